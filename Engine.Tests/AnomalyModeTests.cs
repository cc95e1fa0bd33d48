using ConvEngine.Autograd;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests;

/// <summary>
/// Anomaly detection on every backend: off by default; when on, a NaN or Inf raises right after the forward or
/// backward computation that produced it, naming the op and the pass. Backward texts are PyTorch 1.13's under
/// <c>torch.autograd.set_detect_anomaly(True)</c> for the Python beside each (PyTorch checks NaN only; ConvEngine
/// also reports Inf, and checks the forward pass, where PyTorch only records a traceback).
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
[NonParallelizable] // AnomalyMode is process-wide
public sealed class AnomalyModeTests(string device) : BackendFixture(device)
{
    private static void AssertThrows(TestDelegate code, string message)
    {
        var ex = Assert.Throws<ConvEngineException>(code);
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void OffByDefault_NaNsFlowThrough()
    {
        Assert.That(AnomalyMode.Enabled, Is.False);
        var x = T([-1f, 4f]).RequiresGrad_();
        var y = x.Sqrt();
        (y * 0f).Sum().Backward();
        Assert.That(float.IsNaN(y.ToArray()[0]));
        Assert.That(float.IsNaN(x.Grad!.ToArray()[0]));
    }

    [Test]
    public void Detect_IsAScopeThatRestoresTheSetting()
    {
        using (AnomalyMode.Detect())
        {
            Assert.That(AnomalyMode.Enabled, Is.True);
            using (AnomalyMode.Detect()) { }
            Assert.That(AnomalyMode.Enabled, Is.True, "an inner scope restores the outer setting");
        }
        Assert.That(AnomalyMode.Enabled, Is.False);
    }

    // ---- forward ------------------------------------------------------------------------------------------

    [Test]
    public void Forward_NaNAndInf_NameTheOp()
    {
        using var detect = AnomalyMode.Detect();
        AssertThrows(() => T([-1f, 4f]).Sqrt(), "Function 'Sqrt' returned nan values in its 0th output in the forward pass.");
        AssertThrows(() => T([0f, 4f]).Log(), "Function 'Log' returned inf values in its 0th output in the forward pass.");
        AssertThrows(() => _ = T([1f, 2f]) / T([0f, 1f]), "Function 'Div' returned inf values in its 0th output in the forward pass.");
        Assert.That(T([1f, 4f]).Sqrt().ToArray(), Is.EqualTo(new[] { 1f, 2f }), "finite results pass");
    }

    [Test]
    public void Forward_LayersAreCheckedWithOrWithoutGradients()
    {
        using var detect = AnomalyMode.Detect();
        var x = T(Enumerable.Repeat(1f, 9).ToArray(), 1, 1, 3, 3);
        var huge = T(Enumerable.Repeat(3e38f, 4).ToArray(), 1, 1, 2, 2);
        AssertThrows(() => F.Conv2d(x, huge.RequiresGrad_()), "Function 'Convolution' returned inf values in its 0th output in the forward pass.");
        using (Tensor.NoGrad())
        {
            AssertThrows(() => F.Linear(x.Reshape(1, 9), T(Enumerable.Repeat(3e38f, 18).ToArray(), 2, 9)),
                "Function 'Addmm' returned inf values in its 0th output in the forward pass.");
            AssertThrows(() => F.AvgPool2d(huge * 2f, 2), "Function 'Mul' returned inf values in its 0th output in the forward pass.");
        }
    }

    [Test]
    public void Forward_ViewsAndCopiesOfANaNInputAreNotBlamed_TheFirstComputingOpIs()
    {
        using var detect = AnomalyMode.Detect();
        var x = T([float.NaN, 1f, 2f, 3f], 4);
        var view = x.Reshape(2, 2).T().Contiguous().To(Device.Cpu);
        AssertThrows(() => view.Relu(), "Function 'Relu' returned nan values in its 0th output in the forward pass.");
    }

    // ---- backward -----------------------------------------------------------------------------------------

    [Test]
    public void Backward_NaN_HasPyTorchsText() // x = torch.tensor([0., 4.], requires_grad=True); (x.sqrt() * 0).sum().backward()
    {
        var x = T([0f, 4f]).RequiresGrad_();
        var loss = (x.Sqrt() * 0f).Sum();
        using var detect = AnomalyMode.Detect();
        AssertThrows(() => loss.Backward(), "Function 'SqrtBackward0' returned nan values in its 0th output.");
    }

    [Test]
    public void Backward_NumbersTheOutputByInput()
    {
        // y = F.conv2d(torch.ones(1, 1, 3, 3), w) with only w requiring grad; y.backward(torch.full_like(y, nan)):
        // the input needs no gradient, so the NaN is the function's 1th output.
        var w = T([1f, 1f, 1f, 1f], 1, 1, 2, 2).RequiresGrad_();
        var y = F.Conv2d(Tensor.Ones([1, 1, 3, 3], Device), w);
        using var detect = AnomalyMode.Detect();
        AssertThrows(() => y.Backward(Tensor.Full([1, 1, 2, 2], float.NaN, Device)),
            "Function 'ConvolutionBackward0' returned nan values in its 1th output.");
    }

    [Test]
    public void Backward_Inf_IsReportedToo()
    {
        using var detect = AnomalyMode.Detect();
        var x = T([0f, 4f]).RequiresGrad_();
        var loss = x.Sqrt().Sum(); // finite forward; d√x/dx = ∞ at 0
        AssertThrows(() => loss.Backward(), "Function 'SqrtBackward0' returned inf values in its 0th output.");
    }

    [Test]
    public void FiniteTraining_IsUnchangedByTheChecks()
    {
        float[] Step(bool detect)
        {
            var w = T([0.5f, -0.25f, 0.125f, 1f], 1, 1, 2, 2).RequiresGrad_();
            var x = T(Enumerable.Range(0, 16).Select(i => i / 16f).ToArray(), 1, 1, 4, 4);
            using var scope = detect ? AnomalyMode.Detect() : null;
            F.CrossEntropy(F.MaxPool2d(F.Conv2d(x, w), 2).Reshape(1, 1).Sigmoid().Expand(2, 1).Reshape(1, 2), T([1f])).Backward();
            return w.Grad!.ToArray();
        }
        Assert.That(Step(detect: true), Is.EqualTo(Step(detect: false)));
    }
}

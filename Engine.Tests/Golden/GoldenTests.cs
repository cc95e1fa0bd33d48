using ConvEngine.Samples.Models;

namespace ConvEngine.Tests.Golden;

/// <summary>
/// Checks every golden case from PyTorch on every backend: forward output, then the gradients that
/// <c>grad_output</c> (or, for lenet, the loss itself) back-propagates to the named inputs.
/// Tolerance per element: |got − want| ≤ 1e-4 + 1e-3·|want|; NaN or Inf never passes; shapes exact.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed class GoldenTests(string device) : BackendFixture(device)
{
    [TestCaseSource(typeof(GoldenFiles), nameof(GoldenFiles.Cases))]
    public void Case(GoldenCase? c, string? error)
    {
        if (c is null) Assert.Fail(error ?? "no case");
        var inputs = c!.Inputs.ToDictionary(kv => kv.Key, kv =>
        {
            var t = kv.Value.ToTensor(Device);
            return c.Grads.ContainsKey(kv.Key) ? t.RequiresGrad_() : t;
        });
        var (output, gradOf) = c.Op == "lenet" ? RunLeNet(c, inputs) : (RunOp(c, inputs), (Func<string, Tensor?>)(n => inputs[n].Grad));
        AssertClose(c.Id + " output", output, c.Output);

        if (c.GradOutput is not null) output.Backward(c.GradOutput.ToTensor(Device));
        else if (c.Grads.Count > 0) output.Backward();
        foreach (var (name, want) in c.Grads)
        {
            var got = gradOf(name);
            Assert.That(got, Is.Not.Null, $"{c.Id}: no gradient reached '{name}'");
            AssertClose($"{c.Id} grad {name}", got!, want);
        }
    }

    private static Tensor RunOp(GoldenCase c, Dictionary<string, Tensor> x) => c.Op switch
    {
        "corr2d" => Functional.Corr2d(x["input"], x["kernel"]),
        "conv2d" => Functional.Conv2d(x["input"], x["weight"], x.GetValueOrDefault("bias"), PairOf(c, "stride"), PairOf(c, "padding")),
        "max_pool2d" => Functional.MaxPool2d(x["input"], PairOf(c, "kernel_size"), PairOf(c, "stride"), PairOf(c, "padding")),
        "avg_pool2d" => Functional.AvgPool2d(x["input"], PairOf(c, "kernel_size"), PairOf(c, "stride"), PairOf(c, "padding")),
        "linear" => Functional.Linear(x["input"], x["weight"], x.GetValueOrDefault("bias")),
        "matmul" => x["a"].Matmul(x["b"]),
        "sigmoid" => Functional.Sigmoid(x["input"]),
        "relu" => Functional.Relu(x["input"]),
        "tanh" => Functional.Tanh(x["input"]),
        "log_softmax" => Functional.LogSoftmax(x["input"], c.Attrs.GetProperty("dim").GetInt32()),
        "cross_entropy" => Functional.CrossEntropy(x["input"], x["target"], ReductionOf(c)),
        "mse_loss" => Functional.MseLoss(x["input"], x["target"], ReductionOf(c)),
        _ => throw new AssertionException($"{c.Id}: unknown op '{c.Op}' in {c.Source}"),
    };

    // The LeNet of FORMAT.md (the Samples' model, same variants), loaded with the case's parameters; returns the mean cross-entropy.
    private (Tensor, Func<string, Tensor?>) RunLeNet(GoldenCase c, Dictionary<string, Tensor> x)
    {
        var variant = c.Str("variant");
        var net = LeNet.Create(variant).To(Device);
        net.LoadStateDict(c.Params.ToDictionary(kv => kv.Key, kv => kv.Value.ToTensor(Device)));
        var loss = Functional.CrossEntropy(net.Forward(x["input"]), x["target"]);
        var named = net.NamedParameters().ToDictionary(kv => kv.Key, kv => kv.Value);
        return (loss, n => named[n].Grad);
    }

    private static Pair PairOf(GoldenCase c, string name)
    {
        var v = c.Pair(name);
        return (v[0], v[1]);
    }

    private static Reduction ReductionOf(GoldenCase c) => c.Str("reduction") switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        var r => throw new AssertionException($"{c.Id}: unknown reduction '{r}'"),
    };

    internal static void AssertClose(string what, Tensor got, GoldenTensor want)
    {
        Assert.That(got.Shape.ToArray(), Is.EqualTo(want.Shape), $"{what}: shape");
        var data = got.ToArray();
        for (int i = 0; i < data.Length; i++)
        {
            float g = data[i], w = want.Data[i];
            if (!float.IsFinite(g) || Math.Abs(g - w) > 1e-4 + 1e-3 * Math.Abs(w))
                Assert.Fail($"{what}: element {i} is {g}, expected {w} (|diff| {Math.Abs(g - w):g3})");
        }
    }
}

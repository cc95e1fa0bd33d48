using ConvEngine.Nn;
using ConvEngine.Optim;

namespace ConvEngine.Tests;

/// <summary>
/// TensorScope hands the memory of everything created inside it back to the backend's cache when it ends,
/// keeps what the user keeps, never takes parameters, gradients or optimizer state, and turns any later use
/// of released memory into the library's error.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed class TensorScopeTests(string device) : BackendFixture(device)
{
    [Test]
    public void EndingAScope_ReturnsItsBuffersToTheCache()
    {
        var x = T([1f, 2f, 3f, 4f], 2, 2);
        // Finalizers of other tests' dropped buffers would move the counts while this test reads them.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Device.Backend.Memory;
        using (var scope = new TensorScope())
        {
            var y = (x * 2f + 1f).Relu();
            Assert.That(scope.Count, Is.GreaterThanOrEqualTo(3), "x * 2, + 1 and relu each allocate");
            Assert.That(y.ToArray(), Is.EqualTo(new[] { 3f, 5f, 7f, 9f }));
            Assert.That(Device.Backend.Memory.BytesInUse, Is.GreaterThan(before.BytesInUse));
        }
        var after = Device.Backend.Memory;
        Assert.That(after.BytesInUse, Is.EqualTo(before.BytesInUse), "everything the scope created is released");
        Assert.That(after.BytesCached, Is.GreaterThan(before.BytesCached), "and waits in the cache");
    }

    [Test]
    public void ATensorUsedAfterItsScope_RaisesTheLibrarysError()
    {
        var x = T([1f, 2f, 3f], 3);
        Tensor y;
        using (new TensorScope()) y = x + 1f;
        var e = Assert.Throws<ConvEngineException>(() => y.ToArray())!;
        Assert.That(e.Message, Does.StartWith("a tensor's memory was used after it was released (its TensorScope ended)"));
        Assert.Throws<ConvEngineException>(() => _ = y + x);
    }

    [Test]
    public void KeptTensors_OutliveTheScope_AndViewsShareTheirMemory()
    {
        var x = T([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Tensor kept, view;
        using (var scope = new TensorScope())
        {
            kept = scope.Keep(x * 10f);
            view = kept.T();
        }
        Assert.That(kept.ToArray(), Is.EqualTo(new[] { 10f, 20f, 30f, 40f, 50f, 60f }));
        Assert.That(view.Contiguous().ToArray(), Is.EqualTo(new[] { 10f, 40f, 20f, 50f, 30f, 60f }));
    }

    [Test]
    public void KeepInANestedScope_MovesTheTensorToTheEnclosingOne()
    {
        var x = T([1f, 2f], 2);
        Tensor inner;
        using (var outer = new TensorScope())
        {
            using (var nested = new TensorScope()) inner = nested.Keep(x + 1f);
            Assert.That(inner.ToArray(), Is.EqualTo(new[] { 2f, 3f }), "alive until the enclosing scope ends");
        }
        Assert.Throws<ConvEngineException>(() => inner.ToArray());
    }

    [Test]
    public void ScopesEndingOutOfOrder_AreRefused()
    {
        var outer = new TensorScope();
        var inner = new TensorScope();
        var e = Assert.Throws<ConvEngineException>(() => outer.Dispose())!;
        Assert.That(e.Message, Is.EqualTo("TensorScopes must end in the reverse order they were created, on the thread that created them"));
        inner.Dispose();
        outer.Dispose();
    }

    [Test]
    public void ParametersGradientsAndOptimizerState_SurviveTrainingStepsInScopes()
    {
        Generator.Default.ManualSeed(0);
        Module net;
        Adam opt;
        using (new TensorScope())
        {
            // Built inside a scope on purpose: parameters never belong to one.
            net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)).To(Device);
            opt = new Adam(net.Parameters());
        }
        var x = T([0.5f, -1f, 2f, 1f, 0f, -0.5f], 2, 3);
        var y = T([1f, 0f], 2);
        float first = 0, last = 0;
        for (int step = 0; step < 20; step++)
            using (new TensorScope())
            {
                var loss = Functional.CrossEntropy(net.Forward(x), y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
                if (step == 0) first = loss.Item();
                last = loss.Item();
            }
        Assert.That(last, Is.LessThan(first), "training went on across scopes");
        foreach (var p in net.Parameters())
        {
            Assert.That(p.ToArray(), Has.All.Matches<float>(float.IsFinite), "parameters readable");
            Assert.That(p.Grad!.ToArray(), Has.All.Matches<float>(float.IsFinite), "gradients readable");
        }
        Assert.That(opt.StateDict(), Is.Not.Empty);
    }
}

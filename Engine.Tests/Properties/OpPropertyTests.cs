using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests.Properties;

/// <summary>
/// Property tests (FsCheck) over every op family: random shapes and hyper-parameters, valid and invalid mixed.
/// A valid case must match the reference, forward and backward (on the CPU backend, the loops in
/// <see cref="Reference"/>; on an accelerator, the CPU backend); an invalid one must raise
/// <see cref="ConvEngineException"/> and nothing else. Which cases are valid is decided here, independently, from
/// PyTorch's rules. Each family replays a fixed seed, so a run is the same every time; a failure prints the case.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed partial class OpPropertyTests(string device) : BackendFixture(device)
{
    // Cases per family: enough to reach every validity rule; fewer on an accelerator, where PoCL's launches are slow.
    private int Cases => Device.Equals(Device.Cpu) ? 200 : 60;

    // Absolute and relative tolerance: float32 sums of tens of terms against double, or against the CPU backend.
    private const double Tolerance = 1e-4;

    /// <summary>Runs <paramref name="property"/> over <see cref="Cases"/> cases of <paramref name="cases"/>, replaying <paramref name="seed"/>.</summary>
    private void Verify<T>(Gen<T> cases, ulong seed, Action<T> property)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        Check.One(config, Prop.ForAll(cases.ToArbitrary(), property));
    }

    /// <summary>
    /// The property every case checks: invalid → a <see cref="ConvEngineException"/> (or subclass) and no other
    /// exception; valid → the outputs and gradients <paramref name="run"/> gives on the device under test equal
    /// <paramref name="reference"/>'s on the CPU backend and the CPU backend's elsewhere.
    /// </summary>
    private void Expect(bool valid, Func<Device, Dictionary<string, Nd>> run, Func<Dictionary<string, Nd>> reference)
    {
        if (!valid)
        {
            Assert.That(() => run(Device), Throws.InstanceOf<ConvEngineException>(), "an invalid case");
            return;
        }
        var actual = run(Device);
        var expected = Device.Equals(Device.Cpu) ? reference() : run(Device.Cpu);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.That(a.Shape, Is.EqualTo(e.Shape), $"shape of {name}");
            for (int i = 0; i < e.Values.Length; i++)
                if (!Close(a.Values[i], e.Values[i]))
                    Assert.Fail($"{name}[{i}] of {Shapes(e.Shape)} is {a.Values[i]:R}, expected {e.Values[i]:R}");
        }
    }

    private static bool Close(double actual, double expected) =>
        double.IsNaN(expected) ? double.IsNaN(actual)
        : double.IsInfinity(expected) ? actual == expected
        : Math.Abs(actual - expected) <= Tolerance * (1 + Math.Abs(expected));

    // ---- data -----------------------------------------------------------------------------------------------------

    /// <summary>Values for a tensor of <paramref name="shape"/>: uniform in [-1, 1), or whole numbers in [-2, 2] (ties) when <paramref name="ties"/>.</summary>
    private static float[] Data(int[] shape, int seed, bool ties = false)
    {
        var random = new Random(seed);
        var data = new float[Nd.Count(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = ties ? random.Next(-2, 3) : (float)(random.NextDouble() * 2 - 1);
        return data;
    }

    private static Nd ToNd(float[] data, int[] shape) => new(shape, data.Select(v => (double)v).ToArray());

    /// <summary>
    /// A leaf tensor on <paramref name="device"/> holding <paramref name="data"/> with <paramref name="shape"/>;
    /// <paramref name="strided"/> makes it a transposed view (not contiguous) where it has two dimensions or more.
    /// </summary>
    private static Tensor Leaf(float[] data, int[] shape, Device device, bool strided = false, bool requiresGrad = true)
    {
        Tensor t;
        if (shape.Length == 0) t = Tensor.Scalar(data[0], device);
        else if (strided && shape.Length >= 2)
        {
            // Stored with the last two dimensions swapped, then viewed back: the same values, other strides.
            int[] stored = [.. shape[..^2], shape[^1], shape[^2]];
            var swapped = new float[data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                var index = Nd.Unravel(i, shape);
                (index[^1], index[^2]) = (index[^2], index[^1]);
                swapped[Flat(index, stored)] = data[i];
            }
            t = Tensor.FromArray(swapped, stored).To(device).Transpose(-2, -1);
        }
        else t = Tensor.FromArray(data, shape).To(device);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    private static int Flat(int[] index, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + index[d];
        return flat;
    }

    // The upstream gradient of an output of this shape: the same values for every backend and the reference.
    private static float[] Upstream(int[] shape) => Data(shape, seed: 7 + shape.Sum());

    private static Nd UpstreamNd(int[] shape) => ToNd(Upstream(shape), shape);

    /// <summary>The output y and, after backpropagating the upstream gradient, the gradient of each leaf.</summary>
    private static Dictionary<string, Nd> Outputs(Tensor y, params (string Name, Tensor? Leaf)[] leaves)
    {
        var result = new Dictionary<string, Nd> { ["y"] = new(y.Shape.ToArray(), y.ToArray().Select(v => (double)v).ToArray()) };
        var shape = y.Shape.ToArray();
        (y * Leaf(Upstream(shape), shape, y.Device, requiresGrad: false)).Sum().Backward();
        foreach (var (name, leaf) in leaves)
        {
            if (leaf is null) continue;
            Assert.That(leaf.Grad, Is.Not.Null, $"no gradient reached {name}");
            result[name] = new(leaf.Shape.ToArray(), leaf.Grad!.ToArray().Select(v => (double)v).ToArray());
        }
        return result;
    }

    private static string Shapes(int[] shape) => "[" + string.Join(", ", shape) + "]";

    // ---- generators shared by the families --------------------------------------------------------------------

    /// <summary>
    /// Mostly <paramref name="usual"/>, now and then <paramref name="odd"/>: each parameter goes wrong rarely, so that a
    /// case with several parameters is still valid about half the time.
    /// </summary>
    private static Gen<T> Rarely<T>(Gen<T> usual, Gen<T> odd) => Gen.Frequency((15, usual), (1, odd));

    /// <summary>Mostly 1 to 3; now and then 0 or −1, which every op must refuse.</summary>
    private static readonly Gen<int> Strides = Rarely(Gen.Choose(1, 3), Gen.Choose(-1, 0));

    /// <summary>Mostly 0 to 2; now and then −1.</summary>
    private static readonly Gen<int> Paddings = Rarely(Gen.Choose(0, 2), Gen.Constant(-1));

    /// <summary>Mostly 1 to 4; now and then 0.</summary>
    private static readonly Gen<int> Sizes = Gen.Frequency((8, Gen.Choose(1, 4)), (1, Gen.Constant(0)));

    private static readonly Gen<int> Seeds = Gen.Choose(0, 1 << 20);

    private static Gen<int[]> ShapesOfRank(int rank) => Gen.ArrayOf(Sizes, rank);

    private static readonly Gen<int[]> AnyShape = Gen.Choose(0, 4).SelectMany(ShapesOfRank);
}

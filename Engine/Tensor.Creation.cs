using ConvEngine.Kernels;

namespace ConvEngine;

// Creating tensors: constants, ranges, random draws, host arrays, and reading them back.
public sealed partial class Tensor
{
    /// <summary>Zeros of the given shape on the CPU.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, Device.Cpu);

    /// <summary>Zeros of the given shape on <paramref name="device"/>.</summary>
    public static Tensor Zeros(int[] shape, Device device) => Empty(CheckShape(shape), device);

    /// <summary>Ones of the given shape on the CPU.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f, Device.Cpu);

    /// <summary>Ones of the given shape on <paramref name="device"/>.</summary>
    public static Tensor Ones(int[] shape, Device device) => Full(shape, 1f, device);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value, Device? device = null)
    {
        var t = Zeros(shape, device ?? Device.Cpu);
        if (value != 0f) t.Backend.Fill(t.Buffer, 0, t.Numel, value);
        return t;
    }

    /// <summary>Zeros shaped and placed like <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other) => Zeros(other._shape, other.Device);

    /// <summary>Ones shaped and placed like <paramref name="other"/>.</summary>
    public static Tensor OnesLike(Tensor other) => Full(other._shape, 1f, other.Device);

    /// <summary>Uniform draws in [0, 1), drawn as <c>torch.rand</c> draws them (see <see cref="Generator"/>).</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <summary>Uniform draws in [0, 1) from <paramref name="generator"/> (the default generator when null).</summary>
    public static Tensor Rand(int[] shape, Generator? generator, Device? device = null)
    {
        var data = new float[Shapes.Numel(CheckShape(shape))];
        (generator ?? Generator.Default).FillUniform(data, 0f, 1f);
        return FromArray(data, shape).To(device ?? Device.Cpu);
    }

    /// <summary>Standard normal draws, as <c>torch.randn</c> draws them.</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <summary>Standard normal draws from <paramref name="generator"/> (the default generator when null).</summary>
    public static Tensor Randn(int[] shape, Generator? generator, Device? device = null)
    {
        var data = new float[Shapes.Numel(CheckShape(shape))];
        (generator ?? Generator.Default).FillNormal(data);
        return FromArray(data, shape).To(device ?? Device.Cpu);
    }

    /// <summary>0, 1, …, end − 1 as a 1-D tensor.</summary>
    public static Tensor Arange(int end) => Arange(0, end, 1);

    /// <summary>
    /// start, start + step, … while below <paramref name="end"/> (above it for a negative step); each value is
    /// computed in double and rounded once, as PyTorch does with Python's float arguments.
    /// </summary>
    public static Tensor Arange(double start, double end, double step = 1)
    {
        if (step == 0) throw new ConvEngineException("step must be nonzero");
        if ((end - start) / step < 0)
            throw new ConvEngineException("upper bound and larger bound inconsistent with step sign");
        int n = (int)Math.Ceiling((end - start) / step);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(start + i * step);
        return FromArray(data);
    }

    /// <summary>
    /// A CPU tensor holding a copy of <paramref name="data"/> with the given shape (1-D when no shape is given).
    /// </summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        if (shape.Length == 0) shape = [data.Length];
        if (Shapes.Numel(CheckShape(shape)) != data.Length)
            throw new ConvEngineException($"shape '{Shapes.Format(shape)}' is invalid for input of size {data.Length}");
        var t = Uninitialized((int[])shape.Clone(), Device.Cpu);
        t.Backend.Upload(data, t.Buffer);
        return t;
    }

    /// <summary>A CPU tensor from a rectangular array (<c>float[,]</c>, <c>float[,,,]</c>, …) with its shape.</summary>
    public static Tensor FromArray(Array array)
    {
        if (array.GetType().GetElementType() != typeof(float))
            throw new ConvEngineException($"expected a float array, but got {array.GetType().Name}");
        var shape = new int[array.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = array.GetLength(d);
        var data = new float[array.Length];
        int i = 0;
        foreach (float v in array) data[i++] = v; // row-major: C# enumerates the last index fastest
        return FromArray(data, shape);
    }

    /// <summary>A 0-dimensional tensor (a scalar), as <c>torch.tensor(3.0)</c>.</summary>
    public static Tensor Scalar(float value, Device? device = null)
    {
        var t = Uninitialized([], device ?? Device.Cpu);
        t.Backend.Fill(t.Buffer, 0, 1, value);
        return t;
    }

    /// <summary>A float becomes a 0-dimensional CPU tensor, so <c>x[.., 2..6] = 0f</c> reads like PyTorch.</summary>
    public static implicit operator Tensor(float value) => Scalar(value);

    /// <summary>This tensor on <paramref name="device"/> (the same tensor when already there). Gradients flow back across.</summary>
    public Tensor To(Device device)
    {
        if (device.Equals(Device)) return this;
        var host = ToArray();
        var copy = Uninitialized((int[])_shape.Clone(), device);
        device.Backend.Upload(host, copy.Buffer);
        var source = Device;
        return Record(copy, "ToCopyBackward0", [this], g => [g.To(source)]);
    }

    /// <summary>The elements in row-major order, copied to the host.</summary>
    public float[] ToArray()
    {
        var data = new float[Numel];
        Backend.Download(Contiguous0(), 0, data);
        return data;
    }

    /// <summary>The value of a one-element tensor (PyTorch's <c>item()</c>).</summary>
    public float Item()
    {
        if (Numel != 1)
            throw new ConvEngineException($"a Tensor with {Numel} elements cannot be converted to Scalar");
        var one = new float[1];
        Backend.Download(Buffer, Offset, one);
        return one[0];
    }

    private static int[] CheckShape(int[] shape)
    {
        foreach (int d in shape)
            if (d < 0) throw new ConvEngineException($"Trying to create tensor with negative dimension {d}: {Shapes.Format(shape)}");
        return shape;
    }
}

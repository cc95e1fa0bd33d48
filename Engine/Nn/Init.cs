namespace ConvEngine.Nn;

/// <summary>Parameter initialisers, as <c>torch.nn.init</c>; each fills in place with no gradient recorded.</summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight: (in·receptive, out·receptive) for (out, in, kh, kw) or (out, in).</summary>
    internal static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Dim < 2)
            throw new ConvEngineException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        int receptive = weight.Numel / (weight.Size(0) * weight.Size(1));
        return (weight.Size(1) * receptive, weight.Size(0) * receptive);
    }

    /// <summary>Uniform draws in [from, to), drawn in memory order as PyTorch's <c>uniform_</c>.</summary>
    public static Tensor Uniform(Tensor tensor, float from, float to, Generator? generator = null)
    {
        var data = new float[tensor.Numel];
        (generator ?? Generator.Default).FillUniform(data, from, to);
        tensor.Data.CopyFrom(Tensor.FromArray(data, tensor.Shape.ToArray()));
        return tensor;
    }

    /// <summary>
    /// Kaiming-uniform with leaky-ReLU slope <paramref name="a"/>: bound = √(2 / (1 + a²)) · √(3 / fan_in).
    /// PyTorch's default for Conv2d and Linear weights uses a = √5, giving bound 1/√fan_in.
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, Generator? generator = null)
    {
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        float bound = (float)(gain * Math.Sqrt(3.0 / Fans(tensor).FanIn));
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Xavier (Glorot) uniform: bound = gain · √(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        float bound = (float)(gain * Math.Sqrt(6.0 / (fanIn + fanOut)));
        return Uniform(tensor, -bound, bound, generator);
    }
}

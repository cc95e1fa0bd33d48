using System.Runtime.InteropServices;

namespace ConvEngine.Kernels.KernelSources;

// Host mirrors of the structs the kernel files take by value. Field order and types match the C typedefs
// exactly (all 4-byte int and float, so both sides lay them out without padding).

/// <summary><c>Shape</c> of strided.h: the iteration space of a strided kernel.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ShapeArg
{
    public int Rank;
    public int Count;
    public fixed int Dims[StridedArgs.MaxRank];
}

/// <summary><c>Layout</c> of strided.h: where one view keeps its elements.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LayoutArg
{
    public int Offset;
    public fixed int Strides[StridedArgs.MaxRank];
}

/// <summary><c>ConvShape</c> of conv2d.k.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ConvShapeArg(Conv2dParams p)
{
    public readonly int N = p.N, C = p.C, H = p.H, W = p.W, O = p.O, KH = p.KH, KW = p.KW,
        SH = p.SH, SW = p.SW, PH = p.PH, PW = p.PW, OH = p.OH, OW = p.OW;
}

/// <summary><c>PoolShape</c> of pool2d.k.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct PoolShapeArg(Pool2dParams p)
{
    public readonly int N = p.N, C = p.C, H = p.H, W = p.W, KH = p.KH, KW = p.KW,
        SH = p.SH, SW = p.SW, PH = p.PH, PW = p.PW, OH = p.OH, OW = p.OW;
}

/// <summary><c>GemmShape</c> of gemm.k.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GemmShapeArg(GemmParams p)
{
    public readonly int M = p.M, N = p.N, K = p.K, TransA = p.TransA ? 1 : 0, TransB = p.TransB ? 1 : 0;
    public readonly float Alpha = p.Alpha, Beta = p.Beta;
    public readonly int StrideA = p.BatchStrideA, StrideB = p.BatchStrideB, StrideC = p.BatchStrideC;
}

/// <summary><c>SgdArgs</c> of optim.k.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct SgdArg(SgdParams p)
{
    public readonly float Lr = p.Lr, Momentum = p.Momentum, Dampening = p.Dampening, WeightDecay = p.WeightDecay;
    public readonly int Nesterov = p.Nesterov ? 1 : 0, FirstStep = p.FirstStep ? 1 : 0;
}

/// <summary><c>AdamArgs</c> of optim.k.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct AdamArg(AdamParams p)
{
    public readonly float Beta1 = p.Beta1, Beta2 = p.Beta2, OneMinusBeta1 = p.OneMinusBeta1, OneMinusBeta2 = p.OneMinusBeta2,
        StepSize = p.StepSize, BiasCorrection2Sqrt = p.BiasCorrection2Sqrt, Eps = p.Eps, WeightDecay = p.WeightDecay;
}

using System.Runtime.Intrinsics.X86;

namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>The instructions the 2 × 2 stride-2 pooling path runs on.</summary>
internal enum PairsPath
{
    /// <summary>One window at a time.</summary>
    Scalar,
    /// <summary>8 windows per step (<see cref="PairVector256"/>).</summary>
    Avx2,
    /// <summary>16 windows per step (<see cref="PairVector512"/>).</summary>
    Avx512,
}

/// <summary>Which <see cref="PairsPath"/> values this CPU runs.</summary>
internal static class PairsPaths
{
    /// <summary>The paths this CPU supports, narrowest first.</summary>
    public static readonly IReadOnlyList<PairsPath> Supported =
    [
        PairsPath.Scalar,
        .. Avx2.IsSupported ? [PairsPath.Avx2] : Array.Empty<PairsPath>(),
        .. Avx512F.IsSupported ? [PairsPath.Avx512] : Array.Empty<PairsPath>(),
    ];

    /// <summary>The widest of them.</summary>
    public static readonly PairsPath Best = Supported[^1];
}

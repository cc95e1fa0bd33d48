namespace ConvEngine.Kernels;

/// <summary>
/// Batched row-major matrix product <c>C = Alpha · op(A) · op(B) + Beta · C</c> for each of <see cref="Batch"/>
/// contiguous matrices. op(A) is (M, K): A is stored (M, K), or (K, M) when <see cref="TransA"/>.
/// op(B) is (K, N): B is stored (K, N), or (N, K) when <see cref="TransB"/>. C is (M, N).
/// A batch stride of 0 reuses the same matrix for every batch entry.
/// </summary>
public readonly record struct GemmParams(int M, int N, int K, bool TransA = false, bool TransB = false,
    float Alpha = 1f, float Beta = 0f, int Batch = 1, int StrideA = -1, int StrideB = -1)
{
    /// <summary>Elements between consecutive A matrices (M·K unless given).</summary>
    public int BatchStrideA => StrideA >= 0 ? StrideA : M * K;
    /// <summary>Elements between consecutive B matrices (K·N unless given).</summary>
    public int BatchStrideB => StrideB >= 0 ? StrideB : K * N;
    /// <summary>Elements between consecutive C matrices.</summary>
    public int BatchStrideC => M * N;
}

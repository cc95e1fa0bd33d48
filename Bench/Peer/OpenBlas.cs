using System.Runtime.InteropServices;

namespace ConvEngine.Bench.Peer;

/// <summary>
/// OpenBLAS's single-precision GEMM, the machine's practical GEMM limit for the peer comparison. Bound from
/// <c>libopenblas.so.0</c> (Debian: <c>libopenblas0-pthread</c>) here only: the engine never calls it.
/// </summary>
internal static partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";

    // cblas.h's CBLAS_ORDER and CBLAS_TRANSPOSE values.
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    /// <summary>Null when OpenBLAS loads, otherwise why not, in one line.</summary>
    public static string? UnavailableReason { get; } = Probe();

    /// <summary>The library's build description, e.g. <c>OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64</c>.</summary>
    public static string Config => Marshal.PtrToStringUTF8(GetConfig()) ?? "OpenBLAS";

    /// <summary>Threads OpenBLAS uses from now on.</summary>
    public static int Threads
    {
        get => GetNumThreads();
        set => SetNumThreads(value);
    }

    /// <summary>
    /// Row-major C (M, N) = α·op(A)·op(B) + β·C with op(A) (M, K) and op(B) (K, N); A is stored (K, M) when
    /// <paramref name="transA"/>, B (N, K) when <paramref name="transB"/>.
    /// </summary>
    public static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        fixed (float* pa = a, pb = b, pc = c)
            CblasSgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha,
                pa, transA ? m : k, pb, transB ? k : n, beta, pc, n);
    }

    private static string? Probe()
    {
        if (!NativeLibrary.TryLoad(Library, typeof(OpenBlas).Assembly, null, out var handle))
            return $"OpenBLAS not found ({Library}; Debian: apt-get install libopenblas0-pthread)";
        bool complete = NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _)
            && NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out _);
        return complete ? null : $"{Library} lacks cblas_sgemm or openblas_set_num_threads";
    }

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    private static unsafe partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    private static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_num_threads")]
    private static partial int GetNumThreads();

    [LibraryImport(Library, EntryPoint = "openblas_get_config")]
    private static partial IntPtr GetConfig();
}

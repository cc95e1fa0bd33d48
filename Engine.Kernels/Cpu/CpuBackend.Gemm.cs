using ConvEngine.Kernels.Cpu.Kernels;

namespace ConvEngine.Kernels.Cpu;

// Batched matrix product: an adapter from buffers and GemmParams to the span kernel in Kernels/Sgemm.cs.
public sealed partial class CpuBackend
{
    // A batch whose matrices each take fewer multiply-adds than this runs whole matrices in parallel,
    // one thread each; larger matrices run one after another, each split across the threads.
    private const long SmallGemmWork = 1L << 22;

    /// <inheritdoc/>
    public void Gemm(in GemmParams p, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        float[] da = Data(a), db = Data(b), dc = Data(c);
        var q = p; // a copy: the lambdas below cannot capture an in parameter
        if (q.Batch <= 0 || q.M == 0 || q.N == 0) return;

        void RunMatrix(int i, int threads) =>
            Sgemm.Multiply(q.TransA, q.TransB, q.M, q.N, q.K, q.Alpha,
                da.AsSpan(i * q.BatchStrideA, q.M * q.K), db.AsSpan(i * q.BatchStrideB, q.K * q.N),
                q.Beta, dc.AsSpan(i * q.BatchStrideC, q.M * q.N), threads);

        if (q.Batch > 1 && (long)q.M * q.N * q.K < SmallGemmWork)
        {
            Parallel.For(0, q.Batch, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i => RunMatrix(i, 1));
            return;
        }
        for (int i = 0; i < q.Batch; i++) RunMatrix(i, Threads);
    }
}

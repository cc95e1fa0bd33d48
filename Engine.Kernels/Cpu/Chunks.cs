namespace ConvEngine.Kernels.Cpu;

/// <summary>Splits an element range over the cores when it is large enough to repay the hand-off.</summary>
internal static class Chunks
{
    /// <summary>Below this many elements one thread is faster than waking the others.</summary>
    public const int ParallelThreshold = 1 << 16;

    /// <summary>Calls <paramref name="body"/>(start, length) over [0, n) in one or more disjoint chunks.</summary>
    public static void For(int n, Action<int, int> body)
    {
        int threads = CpuBackend.Threads;
        if (n < ParallelThreshold || threads == 1)
        {
            if (n > 0) body(0, n);
            return;
        }
        // A few chunks per thread, so a thread that falls behind (another process on its core) leaves chunks to
        // the others; edges on multiples of 64 floats keep every chunk's vectors aligned with the others.
        int chunk = (n / (4 * threads) + 63) & ~63;
        Parallel.For(0, (n + chunk - 1) / chunk, c => body(c * chunk, Math.Min(chunk, n - c * chunk)));
    }
}

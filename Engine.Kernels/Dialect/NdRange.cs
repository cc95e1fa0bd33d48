namespace ConvEngine.Kernels.Dialect;

/// <summary>
/// A launch's global and local sizes in three dimensions (unused ones 1), as OpenCL writes an NDRange; the global
/// size is a whole number of work-groups. CUDA launches the same range as <see cref="Grid"/> blocks of
/// <see cref="Block"/> threads.
/// </summary>
internal readonly record struct NdRange(int[] Global, int[] Local)
{
    /// <summary>n work-items in groups of <paramref name="group"/>, rounded up to whole groups (kernels check i &lt; n).</summary>
    public static NdRange Linear(int n, int group) => new([(n + group - 1) / group * group, 1, 1], [group, 1, 1]);

    /// <summary>A grid of groups × groupSize work-items in each dimension.</summary>
    public static NdRange Groups((int X, int Y, int Z) groups, (int X, int Y) groupSize) =>
        new([groups.X * groupSize.X, groups.Y * groupSize.Y, groups.Z], [groupSize.X, groupSize.Y, 1]);

    /// <summary>Work-groups (CUDA blocks) along each axis: the global size divided by the local size.</summary>
    public (int X, int Y, int Z) Grid => (Global[0] / Local[0], Global[1] / Local[1], Global[2] / Local[2]);

    /// <summary>Work-items per work-group (CUDA threads per block) along each axis.</summary>
    public (int X, int Y, int Z) Block => (Local[0], Local[1], Local[2]);
}

using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Kernels.Dialect;

// Batched matrix product (gemm.k): one tiled product per batch entry, the tile variant chosen by TilePlan.
public abstract partial class DialectBackend
{
    /// <inheritdoc/>
    public void Gemm(in GemmParams p, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        DeviceBuffer ab = Own(a), bb = Own(b), cb = Own(c);
        if (p.Batch <= 0 || p.M == 0 || p.N == 0) return;
        var plan = TilePlan.For(p.M, p.N, LocalTiles);
        Launch("gemm", plan.Defines, "gemm", TiledRange(plan, p.M, p.N, p.Batch),
            KernelArg.Buffer(ab), KernelArg.Buffer(bb), KernelArg.Buffer(cb), KernelArg.Value(new GemmShapeArg(p)));
    }


    /// <summary>The launch of a tiled product with a rows × cols result, depth = batch entries or slices.</summary>
    private static NdRange TiledRange(TilePlan plan, int rows, int cols, int depth) =>
        NdRange.Groups((plan.GroupsAcross(cols), plan.GroupsDown(rows), depth), (plan.TileX, plan.TileY));
}

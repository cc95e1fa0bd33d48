namespace ConvEngine.Kernels.KernelSources;

/// <summary>
/// How one tiled product is launched (see tiles.h): the TM × TN result block of a work-group, its TileX × TileY
/// work-items, and whether operands are staged in local memory. Chosen per product from a few compiled block
/// shapes: square for large results, flat for results with few rows (a convolution with 6 output channels) or
/// few columns (a 10-class linear layer), small for tiny ones.
/// </summary>
internal readonly record struct TilePlan(int TM, int TN, int TileX, int TileY, bool LocalTiles)
{
    // GPUs: 16 × 16 work-items staging through local memory. CPU devices: 8 × 8 results per work-item from registers.
    private static readonly (int TM, int TN)[] GpuBlocks = [(64, 64), (16, 128), (128, 16), (16, 16)];
    private static readonly (int TM, int TN)[] CpuBlocks = [(64, 64), (8, 256), (256, 8), (8, 8)];
    private const int CpuBlockPerItem = 8;

    /// <summary>Every plan a device of the given kind may use (each is a separately compiled program).</summary>
    public static IEnumerable<TilePlan> Variants(bool localTiles) =>
        (localTiles ? GpuBlocks : CpuBlocks).Select(b => Of(b.TM, b.TN, localTiles));

    /// <summary>
    /// The plan with the least estimated cost for a rows × cols result: the padded result area (work spent on the
    /// edges) times 1 + 8·(1/TM + 1/TN) (operand loads per output, which shrink as the block grows).
    /// </summary>
    public static TilePlan For(int rows, int cols, bool localTiles) =>
        Variants(localTiles).MinBy(v => (double)RoundUp(rows, v.TM) * RoundUp(cols, v.TN) * (1 + 8.0 / v.TM + 8.0 / v.TN));

    /// <summary>The compiler options that select this plan (the same -D syntax for OpenCL and NVRTC).</summary>
    public string Defines => $"-D TM={TM} -D TN={TN} -D TILE_X={TileX} -D TILE_Y={TileY} -D LOCAL_TILES={(LocalTiles ? 1 : 0)}";

    /// <summary>Work-groups along the columns (dimension 0 of the launch).</summary>
    public int GroupsAcross(int cols) => (cols + TN - 1) / TN;

    /// <summary>Work-groups along the rows (dimension 1 of the launch).</summary>
    public int GroupsDown(int rows) => (rows + TM - 1) / TM;

    /// <summary>
    /// How to split a shared dimension of length <paramref name="k"/> into slices summed separately, so that a
    /// product with few result blocks (<paramref name="blocks"/>) still gives about <paramref name="targetGroups"/>
    /// work-groups; each slice keeps at least 256 of k, and its length is a multiple of the tile depth 16.
    /// </summary>
    /// <returns>the number of slices and the length of each (the last may be shorter)</returns>
    public static (int Slices, int Chunk) SplitK(int k, int blocks, int targetGroups)
    {
        int slices = Math.Clamp((targetGroups + blocks - 1) / Math.Max(blocks, 1), 1, Math.Max(1, k / 256));
        int chunk = RoundUp((k + slices - 1) / slices, 16);
        return (chunk == 0 ? 1 : (k + chunk - 1) / chunk, Math.Max(chunk, 16));
    }

    private static TilePlan Of(int tm, int tn, bool localTiles) => localTiles
        ? new TilePlan(tm, tn, 16, 16, true)
        : new TilePlan(tm, tn, tn / CpuBlockPerItem, tm / CpuBlockPerItem, false);

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;
}

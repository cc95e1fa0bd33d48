namespace ConvEngine;

/// <summary>
/// A (height, width) hyper-parameter given as one int for both or as a tuple, as PyTorch's
/// <c>kernel_size=3</c> or <c>padding=(2, 1)</c>.
/// </summary>
public readonly record struct Pair(int H, int W)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Pair(int both) => new(both, both);

    /// <summary>(height, width).</summary>
    public static implicit operator Pair((int H, int W) hw) => new(hw.H, hw.W);

    /// <summary>As a tuple, the form the kernel parameter records take.</summary>
    public (int H, int W) ToTuple() => (H, W);

    /// <summary>PyTorch's way: <c>(5, 5)</c>.</summary>
    public override string ToString() => $"({H}, {W})";
}

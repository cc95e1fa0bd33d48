namespace ConvEngine.Kernels.Cpu.Kernels;

/// <summary>
/// Steps through the kernel taps t = (c·KH + y)·KW + x of a convolution in order, keeping (c, y, x)
/// without a division per step.
/// </summary>
internal struct TapWalker
{
    private readonly int _kh, _kw;

    public TapWalker(int tap, int kh, int kw)
    {
        (_kh, _kw) = (kh, kw);
        C = tap / (kh * kw);
        Y = tap / kw % kh;
        X = tap % kw;
    }

    /// <summary>Input channel of the current tap.</summary>
    public int C { get; private set; }

    /// <summary>Kernel row of the current tap.</summary>
    public int Y { get; private set; }

    /// <summary>Kernel column of the current tap.</summary>
    public int X { get; private set; }

    /// <summary>Where the current tap's window starts in a padded image (C, hp, wp): (C·hp + Y)·wp + X.</summary>
    public readonly nint Offset(int hp, int wp) => ((nint)C * hp + Y) * wp + X;

    /// <summary>Moves to the next tap.</summary>
    public void Next()
    {
        if (++X < _kw) return;
        X = 0;
        if (++Y < _kh) return;
        Y = 0;
        C++;
    }
}

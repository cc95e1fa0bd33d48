namespace ConvEngine.Samples.Commands;

/// <summary>
/// d2l 6.2.3, object edge detection in images. A 6×8 "image" is white (1) except for four black (0)
/// columns in the middle. The 1×2 kernel [1, −1] computes x[i, j] − x[i, j + 1], which is zero wherever two
/// horizontal neighbours agree: the output marks the white→black edge with 1 and the black→white edge
/// with −1. Transposing the image turns the vertical edges horizontal, and the same kernel sees nothing.
/// </summary>
public static class EdgesCommand
{
    /// <summary>Prints X, K, corr2d(X, K) and corr2d(Xᵀ, K) as d2l does.</summary>
    public static void Run(TextWriter output, Device device)
    {
        // X (6, 8): ones, then columns 2..5 set to zero, PyTorch's X[:, 2:6] = 0.
        var X = Tensor.Ones([6, 8], device);
        X[.., 2..6] = 0f;
        output.WriteLine("X:");
        output.WriteLine(X);

        // K (1, 2): a horizontal difference.
        var K = Tensor.FromArray(new float[,] { { 1, -1 } }).To(device);
        output.WriteLine("K:");
        output.WriteLine(K);

        // Y (6, 7): 1 in column 1 (white→black), −1 in column 5 (black→white), 0 elsewhere.
        var Y = Functional.Corr2d(X, K);
        output.WriteLine("Y = corr2d(X, K):");
        output.WriteLine(Y);

        // Xᵀ (8, 6) has only horizontal edges, so the (8, 5) result is all zeros: this kernel only detects
        // vertical edges.
        output.WriteLine("corr2d(X.t(), K):");
        output.WriteLine(Functional.Corr2d(X.T(), K));
    }
}

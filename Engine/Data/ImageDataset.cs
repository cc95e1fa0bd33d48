namespace ConvEngine.Data;

/// <summary>
/// Labelled grayscale images kept as the bytes the files hold (a quarter of the memory of floats);
/// <see cref="DataLoader"/> turns each batch into float32 in [0, 1].
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Wraps images (count × height × width bytes, row-major) and one label byte per image.</summary>
    public ImageDataset(byte[] pixels, byte[] labels, int height, int width)
    {
        if (height <= 0 || width <= 0 || pixels.Length != (long)labels.Length * height * width)
            throw new ConvEngineException($"image dataset: {pixels.Length} pixel bytes do not make {labels.Length} images of {height}x{width}");
        (Pixels, Labels, Height, Width) = (pixels, labels, height, width);
    }

    /// <summary>Pixels, image after image, row-major.</summary>
    public byte[] Pixels { get; }
    /// <summary>One class index per image.</summary>
    public byte[] Labels { get; }
    /// <summary>Image height.</summary>
    public int Height { get; }
    /// <summary>Image width.</summary>
    public int Width { get; }
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Images <paramref name="indices"/> as (n, 1, H, W) floats in [0, 1] and their labels (n) as floats, on the CPU.</summary>
    public (Tensor Images, Tensor Labels) Batch(ReadOnlySpan<int> indices)
    {
        int pixelsPerImage = Height * Width;
        var images = new float[indices.Length * pixelsPerImage];
        var labels = new float[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            var src = Pixels.AsSpan(indices[i] * pixelsPerImage, pixelsPerImage);
            var dst = images.AsSpan(i * pixelsPerImage, pixelsPerImage);
            for (int k = 0; k < pixelsPerImage; k++) dst[k] = src[k] / 255f;
            labels[i] = Labels[indices[i]];
        }
        return (Tensor.FromArray(images, indices.Length, 1, Height, Width), Tensor.FromArray(labels));
    }
}

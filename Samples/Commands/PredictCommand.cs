using System.Text;
using ConvEngine.Data;
using ConvEngine.Samples.Training;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// One Fashion-MNIST test image as text art, its true class, and a trained LeNet checkpoint's three most
/// probable classes with their softmax probabilities.
/// </summary>
public static class PredictCommand
{
    /// <summary>Ten shades from blank to full, one per tenth of the pixel range.</summary>
    public const string Shades = " .:-=+*#%@";

    /// <summary>Classifies test image <paramref name="index"/> with <paramref name="checkpoint"/> and prints it.</summary>
    public static void Run(TextWriter output, Device device, string checkpoint, int index, string? dataFolder = null)
    {
        if (index < 0) throw new ConvEngineException($"--index must not be negative, but got {index}");
        var model = Checkpoint.LoadModel(checkpoint, device);
        var test = FashionMnist.Load(dataFolder, log: output).Test;
        if (index >= test.Count)
            throw new ConvEngineException($"--index {index} is past the test set's last image, {test.Count - 1}");

        var (image, _) = test.Batch([index]);
        model.Net.Eval();
        float[] probabilities;
        using (Tensor.NoGrad())
            probabilities = Functional.LogSoftmax(model.Net.Forward(image.To(device)), 1).Exp().ToArray();

        int label = test.Labels[index];
        output.WriteLine($"test image {index}: {FashionMnist.ClassNames[label]} (class {label})");
        output.Write(TextArt(test.Pixels.AsSpan(index * test.Height * test.Width, test.Height * test.Width), test.Width));
        output.WriteLine($"top-3 of {model.Variant} LeNet after {model.Epoch} epochs:");
        foreach (int c in Enumerable.Range(0, probabilities.Length).OrderByDescending(c => probabilities[c]).Take(3))
            output.WriteLine(FormattableString.Invariant($"  {FashionMnist.ClassNames[c],-12} {probabilities[c]:F3}{(c == label ? "  (true class)" : "")}"));
    }

    /// <summary>
    /// One text row per pixel row, two characters per pixel (terminal cells are about twice as tall as wide),
    /// darker ink for larger values.
    /// </summary>
    public static string TextArt(ReadOnlySpan<byte> pixels, int width)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pixels.Length; i++)
        {
            char shade = Shades[pixels[i] * Shades.Length / 256];
            sb.Append(shade).Append(shade);
            if ((i + 1) % width == 0) sb.Append('\n');
        }
        return sb.ToString();
    }
}

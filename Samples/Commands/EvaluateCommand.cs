using System.Text;
using ConvEngine.Data;
using ConvEngine.Samples.Training;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// Test accuracy of a trained LeNet checkpoint and its 10×10 confusion matrix over Fashion-MNIST's test set
/// (rows: true class, columns: predicted class). The variant comes from the checkpoint's metadata.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Loads <paramref name="checkpoint"/> (a model.safetensors or a run folder), evaluates it and prints the results.</summary>
    public static void Run(TextWriter output, Device device, string checkpoint, string? dataFolder = null)
    {
        var model = Checkpoint.LoadModel(checkpoint, device);
        var data = FashionMnist.Load(dataFolder, log: output);
        var predictions = Metrics.Predictions(model.Net, new DataLoader(data.Test, LeNetCommand.TestBatchSize, device: device));
        var labels = data.Test.Labels;
        var confusion = new int[10, 10];
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            confusion[labels[i], predictions[i]]++;
            if (labels[i] == predictions[i]) correct++;
        }
        output.WriteLine($"{model.Path}: {model.Variant} LeNet after {model.Epoch} epochs");
        output.WriteLine(FormattableString.Invariant($"test acc {(double)correct / labels.Length:F3} ({correct}/{labels.Length} correct)"));
        output.Write(FormatConfusion(confusion));
    }

    /// <summary>The matrix with a header of predicted-class numbers and one row per true class, numbered and named.</summary>
    public static string FormatConfusion(int[,] confusion)
    {
        var names = FashionMnist.ClassNames;
        int nameWidth = names.Max(n => n.Length) + 3;
        var sb = new StringBuilder("confusion matrix (rows: true class, columns: predicted class)\n");
        sb.Append(' ', nameWidth);
        for (int c = 0; c < names.Count; c++) sb.Append($"{c,6}");
        sb.Append('\n');
        for (int r = 0; r < names.Count; r++)
        {
            sb.Append($"{r} {names[r]}".PadRight(nameWidth));
            for (int c = 0; c < names.Count; c++) sb.Append($"{confusion[r, c],6}");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}

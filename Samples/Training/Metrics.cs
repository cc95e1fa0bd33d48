using ConvEngine.Data;
using ConvEngine.Nn;

namespace ConvEngine.Samples.Training;

/// <summary>Classification metrics computed on the device, as d2l's <c>accuracy</c> and <c>evaluate_accuracy_gpu</c>.</summary>
public static class Metrics
{
    /// <summary>How many rows of <paramref name="logits"/> (N, C) have their largest entry at the label, as a 0-d tensor on the device.</summary>
    public static Tensor CorrectCount(Tensor logits, Tensor labels)
    {
        using (Tensor.NoGrad()) return logits.Argmax(1).Eq(labels).Sum();
    }

    /// <summary>
    /// The fraction of <paramref name="data"/> that <paramref name="net"/> classifies correctly, without gradients;
    /// leaves the net in evaluation mode.
    /// </summary>
    public static double Accuracy(Module net, DataLoader data)
    {
        net.Eval();
        using var _ = Tensor.NoGrad();
        Tensor correct = Tensor.Zeros([], data.Device);
        int count = 0;
        foreach (var (x, y) in data.Epoch())
        {
            using var batch = new TensorScope();
            correct = batch.Keep(correct + CorrectCount(net.Forward(x), y));
            count += y.Size(0);
        }
        return count == 0 ? 0 : (double)correct.Item() / count;
    }

    /// <summary>The predicted class of every image of <paramref name="data"/>, in order; leaves the net in evaluation mode.</summary>
    public static int[] Predictions(Module net, DataLoader data)
    {
        net.Eval();
        using var _ = Tensor.NoGrad();
        var predictions = new List<int>();
        foreach (var (x, _) in data.Epoch())
        {
            using var batch = new TensorScope();
            predictions.AddRange(net.Forward(x).Argmax(1).ToArray().Select(p => (int)p));
        }
        return [.. predictions];
    }
}

using System.Globalization;

namespace ConvEngine.Samples.Training;

/// <summary>
/// One epoch's numbers: mean training loss and accuracy over the epoch's steps, test accuracy after it, and the
/// time of the training steps alone (d2l's examples/sec excludes evaluation likewise).
/// </summary>
public sealed record EpochResult(int Epoch, double Loss, double TrainAcc, double TestAcc, double Seconds, double ExamplesPerSecond)
{
    /// <summary>The line printed per epoch: <c>epoch 3 loss 0.385 train acc 0.862 test acc 0.865 time 3.95 s 15190 ex/s</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch} loss {Loss:F3} train acc {TrainAcc:F3} test acc {TestAcc:F3} time {Seconds:F2} s {ExamplesPerSecond:F0} ex/s");
}

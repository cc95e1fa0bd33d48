using System.Diagnostics;
using System.Globalization;
using ConvEngine.Data;
using ConvEngine.Nn;
using ConvEngine.Optim;

namespace ConvEngine.Samples.Training;

/// <summary>
/// d2l's <c>train_ch6</c> loop for a classifier: per epoch, one pass of minibatch steps (forward, cross-entropy,
/// backward, optimizer step), then test accuracy. The loss and correct-prediction sums stay on the device; the loss
/// sum is read every <see cref="DivergenceCheckSteps"/> steps to stop a diverging run, so steps rarely wait for the host.
/// </summary>
public sealed class Trainer(Module net, Optimizer optimizer, DataLoader train, DataLoader test)
{
    /// <summary>Steps between reads of the loss sum that stop a diverging run (one host read per this many steps).</summary>
    public const int DivergenceCheckSteps = 10;

    /// <summary>
    /// A classifier guessing at chance scores a cross-entropy of ln C; a mean loss this many times that means the
    /// logits have blown up (as SGD's sigmoid nets do at a huge lr, where the loss grows without becoming NaN).
    /// </summary>
    public const double DivergedLossOverChance = 100;

    /// <summary>
    /// Trains one epoch while <paramref name="display"/> shows it, evaluates, and returns the epoch's numbers.
    /// </summary>
    /// <exception cref="TrainingDivergedException">
    /// when the loss or a weight stops being finite, or the mean loss passes <see cref="DivergedLossOverChance"/> × ln C.
    /// </exception>
    public EpochResult RunEpoch(int epoch, ITrainingDisplay display)
    {
        var device = train.Device;
        Tensor lossSum = Tensor.Zeros([], device), correct = Tensor.Zeros([], device);
        int examples = 0, classes = 0;
        double seconds = 0, totalLoss = 0, totalCorrect = 0;
        net.Train();
        display.ShowEpoch(epoch, train.Count, report =>
        {
            var clock = Stopwatch.StartNew();
            int batches = 0;
            foreach (var (x, y) in train.Epoch())
            {
                // Every activation and gradient of the step goes back to the allocator when the step ends.
                using var step = new TensorScope();
                var logits = net.Forward(x);
                var loss = Functional.CrossEntropy(logits, y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                using (Tensor.NoGrad())
                {
                    // Mean loss × batch size, so the epoch's mean weighs the smaller last batch correctly.
                    lossSum = step.Keep(lossSum + loss * y.Size(0));
                    correct = step.Keep(correct + Metrics.CorrectCount(logits, y));
                }
                examples += y.Size(0);
                batches++;
                classes = logits.Size(1);
                // A NaN or Inf loss stays in the sum: one read every few steps finds it.
                if (batches % DivergenceCheckSteps == 0) CheckLoss(lossSum.Item(), examples, classes, epoch, batches);
                report(batches, examples, clock.Elapsed.TotalSeconds, () => lossSum.Item() / examples);
            }
            // The reads wait for queued device work, so the time covers every step's arithmetic.
            (totalLoss, totalCorrect) = (lossSum.Item(), correct.Item());
            seconds = clock.Elapsed.TotalSeconds;
            CheckLoss(totalLoss, examples, classes, epoch, batches);
            // The last step can break the weights with a finite loss; such weights must not become a checkpoint.
            if (net.Parameters().Any(p => p.HasNonFinite()))
                throw new TrainingDivergedException(epoch, batches, train.Count, "the weights became nan or inf");
        });
        double testAcc = Metrics.Accuracy(net, test);
        return new EpochResult(epoch, totalLoss / examples, totalCorrect / examples, testAcc, seconds, examples / seconds);
    }

    private void CheckLoss(double sum, int examples, int classes, int epoch, int step)
    {
        double mean = sum / examples, chance = Math.Log(classes);
        if (!double.IsFinite(mean))
            throw new TrainingDivergedException(epoch, step, train.Count, $"the loss became {(double.IsNaN(mean) ? "nan" : "inf")}");
        if (mean > DivergedLossOverChance * chance)
            throw new TrainingDivergedException(epoch, step, train.Count, string.Create(CultureInfo.InvariantCulture,
                $"the mean loss reached {mean:G4}, over {DivergedLossOverChance:G} times chance level ({chance:F3})"));
    }
}

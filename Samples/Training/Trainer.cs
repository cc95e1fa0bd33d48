using System.Diagnostics;
using ConvEngine.Data;
using ConvEngine.Nn;
using ConvEngine.Optim;

namespace ConvEngine.Samples.Training;

/// <summary>
/// d2l's <c>train_ch6</c> loop for a classifier: per epoch, one pass of minibatch steps (forward, cross-entropy,
/// backward, optimizer step), then test accuracy. The loss and correct-prediction sums stay on the device and are
/// read once per epoch, so a step never waits for the host.
/// </summary>
public sealed class Trainer(Module net, Optimizer optimizer, DataLoader train, DataLoader test)
{
    /// <summary>Trains one epoch while <paramref name="display"/> shows it, evaluates, and returns the epoch's numbers.</summary>
    public EpochResult RunEpoch(int epoch, ITrainingDisplay display)
    {
        var device = train.Device;
        Tensor lossSum = Tensor.Zeros([], device), correct = Tensor.Zeros([], device);
        int examples = 0;
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
                report(batches, examples, clock.Elapsed.TotalSeconds, () => lossSum.Item() / examples);
            }
            // The reads wait for queued device work, so the time covers every step's arithmetic.
            (totalLoss, totalCorrect) = (lossSum.Item(), correct.Item());
            seconds = clock.Elapsed.TotalSeconds;
        });
        double testAcc = Metrics.Accuracy(net, test);
        return new EpochResult(epoch, totalLoss / examples, totalCorrect / examples, testAcc, seconds, examples / seconds);
    }
}

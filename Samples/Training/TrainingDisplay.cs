using Spectre.Console;

namespace ConvEngine.Samples.Training;

/// <summary>What the training loop reports after each step; <paramref name="meanLoss"/> reads the device, so call it sparingly.</summary>
public delegate void StepReport(int batchesDone, int examplesDone, double seconds, Func<double> meanLoss);

/// <summary>How an epoch's training is shown while it runs: a live progress bar on a terminal, nothing otherwise.</summary>
public interface ITrainingDisplay
{
    /// <summary>Runs <paramref name="train"/> (one epoch of <paramref name="batches"/> steps), which calls the report after each step.</summary>
    void ShowEpoch(int epoch, int batches, Action<StepReport> train);

    /// <summary>The display for <paramref name="output"/>: live only when it is the console's own output and that is a terminal.</summary>
    static ITrainingDisplay For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new LiveDisplay()
            : new PlainDisplay();
}

/// <summary>Shows nothing while training: redirected output gets only the epoch lines.</summary>
public sealed class PlainDisplay : ITrainingDisplay
{
    /// <inheritdoc/>
    public void ShowEpoch(int epoch, int batches, Action<StepReport> train) => train(static (_, _, _, _) => { });
}

/// <summary>A Spectre.Console progress bar per epoch (batches, loss, ex/s), cleared when the epoch ends.</summary>
public sealed class LiveDisplay : ITrainingDisplay
{
    // Reading the loss is a device read; a few per second are plenty for a human.
    private const double LossRefreshSeconds = 0.25;

    /// <inheritdoc/>
    public void ShowEpoch(int epoch, int batches, Action<StepReport> train) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch}", maxValue: batches);
                double lastRefresh = double.NegativeInfinity;
                string loss = "…";
                train((done, examples, seconds, meanLoss) =>
                {
                    if (seconds - lastRefresh >= LossRefreshSeconds || done == batches)
                    {
                        loss = meanLoss().ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
                        lastRefresh = seconds;
                    }
                    task.Value = done;
                    task.Description = $"epoch {epoch} {done}/{batches} loss {loss} {examples / Math.Max(seconds, 1e-9):F0} ex/s";
                });
            });
}

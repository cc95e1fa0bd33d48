using System.Globalization;
using ConvEngine.Data;
using ConvEngine.Nn;
using ConvEngine.Samples.Models;
using ConvEngine.Samples.Training;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// The <c>lenet</c> command line; null means "not given" (the variant's default, or the checkpoint's value on resume).
/// <paramref name="DetectAnomaly"/> turns on <see cref="Autograd.AnomalyMode"/> for the run.
/// </summary>
public sealed record LeNetOptions(
    string? Variant = null, int Epochs = LeNetCommand.DefaultEpochs, int? BatchSize = null, float? Lr = null,
    string? Data = null, string? Out = null, int? Seed = null, string? Resume = null, bool DetectAnomaly = false);

/// <summary>
/// d2l 6.6: trains LeNet on Fashion-MNIST with minibatch steps, printing one line per epoch
/// (<c>epoch 3 loss 0.385 train acc 0.862 test acc 0.865 time 3.95 s 15190 ex/s</c>, the time counting the
/// training steps only) and, on a terminal, a live progress bar. After every epoch the run folder gets the model,
/// the optimizer state, <c>history.csv</c> and <c>curves.svg</c>; <c>--resume</c> continues such a folder up to
/// <c>--epochs</c> in total, with the settings it was started with. A run that diverges (see <see cref="Trainer"/>)
/// stops with a <see cref="ConvEngineException"/> saying so; the folder keeps the last good epoch's checkpoint.
/// </summary>
public static class LeNetCommand
{
    /// <summary>Epochs when --epochs is not given, d2l's 10.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>The variant when --variant is not given: d2l's own.</summary>
    public const string DefaultVariant = "d2l";

    /// <summary>Minibatch size when --batch-size is not given, d2l's 256.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Test images per evaluation batch (memory only: the accuracy does not depend on it).</summary>
    public const int TestBatchSize = 1000;

    /// <summary>Trains as <paramref name="options"/> say; invalid options are a <see cref="ConvEngineException"/> before any work.</summary>
    public static void Run(TextWriter output, Device device, LeNetOptions options)
    {
        Validate(options);
        var resume = options.Resume is null ? null : Checkpoint.LoadResume(options.Resume);
        RunSettings run;
        Sequential net;
        List<EpochResult> history;
        string folder;
        if (resume is not null)
        {
            run = resume.Run;
            CheckSame("--variant", options.Variant, run.Variant);
            CheckSame("--lr", options.Lr, run.Lr);
            CheckSame("--batch-size", options.BatchSize, run.BatchSize);
            CheckSame("--seed", options.Seed, run.Seed);
            if (resume.Epoch >= options.Epochs)
                throw new ConvEngineException(
                    $"--resume {options.Resume}: already trained {resume.Epoch} epochs; pass --epochs above {resume.Epoch} to continue");
            (net, history, folder) = (resume.Net, resume.History, options.Out ?? resume.Folder);
        }
        else
        {
            string variant = options.Variant ?? DefaultVariant;
            run = new RunSettings(variant, options.Lr ?? LeNet.DefaultLearningRate(variant),
                options.BatchSize ?? DefaultBatchSize, options.Seed ?? 0);
            folder = options.Out ?? Path.Combine("runs", $"{variant}-{DateTime.Now:yyyyMMdd-HHmmss}");
            if (File.Exists(Path.Combine(folder, Checkpoint.ModelFile)))
                throw new ConvEngineException($"--out {folder} already holds a checkpoint: continue it with --resume {folder} or choose another --out");
            // Seeded like torch.manual_seed(seed): the initial weights are PyTorch's for the same seed.
            (net, history) = (LeNet.Create(variant, new Generator((ulong)run.Seed)), []);
        }

        var data = FashionMnist.Load(options.Data, log: output);
        if (data.Train.Count == 0 || data.Test.Count == 0)
            throw new ConvEngineException($"{data.Folder}: the training and test sets must not be empty");
        net.To(device);
        var optimizer = LeNet.CreateOptimizer(run.Variant, net, run.Lr);
        if (resume is not null)
        {
            try
            {
                optimizer.LoadStateDict(resume.OptimizerState);
            }
            catch (ConvEngineException e)
            {
                throw new ConvEngineException($"{Path.Combine(resume.Folder, Checkpoint.OptimizerFile)}: {e.Message}", e);
            }
        }
        try
        {
            Directory.CreateDirectory(folder); // now, rather than after an epoch of training
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvEngineException($"--out {folder}: cannot create the run folder: {e.Message}", e);
        }
        var train = new DataLoader(data.Train, run.BatchSize, shuffle: true, seed: run.Seed, device: device);
        // Each epoch draws the next order from the seeded stream: skipping the trained epochs' draws makes a
        // resumed run see the batches the uninterrupted one would have.
        for (int e = 0; e < history.Count; e++) train.Epoch();
        var test = new DataLoader(data.Test, TestBatchSize, device: device);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {run.Variant} LeNet on {device.Name}: {data.Train.Count} images per epoch, batch {run.BatchSize}, "
            + $"{LeNet.OptimizerName(run.Variant)} lr {run.Lr:R}, seed {run.Seed}; data {data.Folder}; run folder {folder}"));
        var trainer = new Trainer(net, optimizer, train, test);
        var display = ITrainingDisplay.For(output);
        using var anomaly = options.DetectAnomaly ? Autograd.AnomalyMode.Detect() : null;
        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            EpochResult result;
            try
            {
                result = trainer.RunEpoch(epoch, display);
            }
            catch (TrainingDivergedException e)
            {
                string kept = history.Count == 0 ? "no checkpoint was written" : $"{folder} keeps the checkpoint of epoch {history.Count}";
                throw new ConvEngineException(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Message} with lr {run.Lr:R}; try a lower --lr ({kept})"), e);
            }
            output.WriteLine(result);
            history.Add(result);
            Checkpoint.Save(folder, net, optimizer, run, history);
        }
        output.WriteLine($"saved {Checkpoint.ModelFile}, {Checkpoint.OptimizerFile}, {Checkpoint.HistoryFile} and {Checkpoint.CurvesFile} in {folder}");
    }

    private static void Validate(LeNetOptions o)
    {
        if (o.Variant is not null && !LeNet.Variants.Contains(o.Variant))
            throw new ConvEngineException($"--variant must be one of {string.Join(", ", LeNet.Variants)}, but got '{o.Variant}'");
        if (o.Epochs <= 0) throw new ConvEngineException($"--epochs must be positive, but got {o.Epochs}");
        if (o.BatchSize <= 0) throw new ConvEngineException($"--batch-size must be positive, but got {o.BatchSize}");
        if (o.Lr is { } lr && !(lr > 0 && float.IsFinite(lr)))
            throw new ConvEngineException($"--lr must be positive and finite, but got {lr.ToString(CultureInfo.InvariantCulture)}");
        if (o.Seed < 0) throw new ConvEngineException($"--seed must not be negative, but got {o.Seed}");
        if (o.Out is { } folder && string.IsNullOrWhiteSpace(folder)) throw new ConvEngineException("--out must name a folder, but got an empty string");
    }

    // A resumed run keeps the settings it started with; a different explicit value would silently change the run.
    private static void CheckSame<T>(string option, T? given, T recorded) where T : struct, IEquatable<T>
    {
        if (given is { } g && !g.Equals(recorded))
            throw new ConvEngineException(string.Create(CultureInfo.InvariantCulture,
                $"{option} {g} differs from the checkpoint's {recorded}; a resumed run keeps its settings"));
    }

    private static void CheckSame(string option, string? given, string recorded)
    {
        if (given is not null && given != recorded)
            throw new ConvEngineException($"{option} {given} differs from the checkpoint's {recorded}; a resumed run keeps its settings");
    }
}

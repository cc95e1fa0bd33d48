using System.Globalization;
using ConvEngine.Nn;
using ConvEngine.Optim;
using ConvEngine.Samples.Models;
using ConvEngine.Serialization;

namespace ConvEngine.Samples.Training;

/// <summary>The settings a LeNet run trains with; a checkpoint records them so a resumed run continues identically.</summary>
public sealed record RunSettings(string Variant, float Lr, int BatchSize, int Seed);

/// <summary>A model read back from <c>model.safetensors</c>, on the requested device.</summary>
public sealed record LoadedModel(Sequential Net, string Variant, int Epoch, string Path);

/// <summary>Everything <c>--resume</c> needs: the run folder, its settings, the trained epochs, the weights, the optimizer state and the history.</summary>
public sealed record ResumePoint(string Folder, RunSettings Run, int Epoch, Sequential Net,
    IReadOnlyDictionary<string, Tensor> OptimizerState, List<EpochResult> History);

/// <summary>
/// A LeNet run folder: <c>model.safetensors</c> (the state dict under PyTorch's names; metadata variant and epoch),
/// <c>optimizer.safetensors</c> (the optimizer's per-parameter state; metadata variant, epoch, optimizer, lr,
/// batch_size, seed), <c>history.csv</c> and <c>curves.svg</c>. Every file is written atomically, after every
/// epoch, so a crash loses at most the epoch in progress.
/// </summary>
public static class Checkpoint
{
    /// <summary>The weights.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>The optimizer state and run settings.</summary>
    public const string OptimizerFile = "optimizer.safetensors";
    /// <summary>One row per epoch.</summary>
    public const string HistoryFile = "history.csv";
    /// <summary>The training curves.</summary>
    public const string CurvesFile = "curves.svg";

    /// <summary>Writes the four files for the state after <paramref name="history"/>'s last epoch into <paramref name="folder"/>.</summary>
    public static void Save(string folder, Module net, Optimizer optimizer, RunSettings run, IReadOnlyList<EpochResult> history)
    {
        string epoch = history[^1].Epoch.ToString(CultureInfo.InvariantCulture);
        SafeTensors.Save(Path.Combine(folder, ModelFile), net.StateDict(),
            new Dictionary<string, string> { ["variant"] = run.Variant, ["epoch"] = epoch });
        SafeTensors.Save(Path.Combine(folder, OptimizerFile), optimizer.StateDict(), new Dictionary<string, string>
        {
            ["variant"] = run.Variant,
            ["epoch"] = epoch,
            ["optimizer"] = LeNet.OptimizerName(run.Variant),
            ["lr"] = run.Lr.ToString("R", CultureInfo.InvariantCulture),
            ["batch_size"] = run.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["seed"] = run.Seed.ToString(CultureInfo.InvariantCulture),
        });
        AtomicFile.WriteText(Path.Combine(folder, HistoryFile), HistoryCsv.Format(history));
        AtomicFile.WriteText(Path.Combine(folder, CurvesFile), CurvesSvg.Render(history, $"LeNet ({run.Variant}) on Fashion-MNIST"));
    }

    /// <summary>Loads <paramref name="path"/> (a <c>model.safetensors</c> or a run folder holding one) onto <paramref name="device"/>.</summary>
    public static LoadedModel LoadModel(string path, Device device)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, ModelFile) : path;
        if (!File.Exists(file)) throw new ConvEngineException($"{path}: no such checkpoint");
        var contents = SafeTensors.Load(file);
        string variant = Metadata(contents, "variant", file);
        int epoch = IntMetadata(contents, "epoch", file, min: 0);
        // The initial draws are overwritten by the checkpoint; a private generator leaves the default one alone.
        var net = CreateNet(variant, file);
        Load(net, contents.Tensors, file);
        net.To(device);
        return new LoadedModel(net, variant, epoch, file);
    }

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/>: a run folder, or its <c>model.safetensors</c> or
    /// <c>optimizer.safetensors</c>. Both files and the history must exist and agree on variant and epoch.
    /// </summary>
    public static ResumePoint LoadResume(string path)
    {
        string folder = Directory.Exists(path) ? path
            : Path.GetFileName(path) is ModelFile or OptimizerFile && File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))!
            : throw new ConvEngineException(
                $"--resume {path}: no such checkpoint (expected a run folder, or its {ModelFile} or {OptimizerFile})");
        string modelPath = Path.Combine(folder, ModelFile), optimizerPath = Path.Combine(folder, OptimizerFile);
        foreach (var file in new[] { modelPath, optimizerPath, Path.Combine(folder, HistoryFile) })
            if (!File.Exists(file)) throw new ConvEngineException($"--resume {path}: {file} is missing");

        var model = SafeTensors.Load(modelPath);
        var optimizer = SafeTensors.Load(optimizerPath);
        var run = new RunSettings(
            Metadata(optimizer, "variant", optimizerPath),
            FloatMetadata(optimizer, "lr", optimizerPath),
            IntMetadata(optimizer, "batch_size", optimizerPath, min: 1),
            IntMetadata(optimizer, "seed", optimizerPath, min: 0));
        int epoch = IntMetadata(optimizer, "epoch", optimizerPath, min: 1);
        var net = CreateNet(run.Variant, optimizerPath);
        if (Metadata(optimizer, "optimizer", optimizerPath) != LeNet.OptimizerName(run.Variant))
            throw new ConvEngineException($"{optimizerPath}: optimizer '{Metadata(optimizer, "optimizer", optimizerPath)}' is not the {run.Variant} variant's {LeNet.OptimizerName(run.Variant)}");
        if (Metadata(model, "variant", modelPath) != run.Variant || IntMetadata(model, "epoch", modelPath, min: 0) != epoch)
            throw new ConvEngineException(
                $"--resume {path}: {ModelFile} ({Metadata(model, "variant", modelPath)}, epoch {Metadata(model, "epoch", modelPath)}) "
                + $"and {OptimizerFile} ({run.Variant}, epoch {epoch}) are from different points of training");
        Load(net, model.Tensors, modelPath);

        string historyPath = Path.Combine(folder, HistoryFile);
        var history = HistoryCsv.Read(historyPath).Where(e => e.Epoch <= epoch).ToList();
        if (!history.Select(e => e.Epoch).SequenceEqual(Enumerable.Range(1, epoch)))
            throw new ConvEngineException($"{historyPath}: expected rows for epochs 1 to {epoch}, the checkpoint's epoch");
        return new ResumePoint(folder, run, epoch, net, optimizer.Tensors, history);
    }

    private static Sequential CreateNet(string variant, string file)
    {
        try
        {
            return LeNet.Create(variant, new Generator(0));
        }
        catch (ConvEngineException e)
        {
            throw new ConvEngineException($"{file}: {e.Message}", e);
        }
    }

    private static void Load(Module net, IReadOnlyDictionary<string, Tensor> state, string file)
    {
        try
        {
            net.LoadStateDict(state);
        }
        catch (ConvEngineException e)
        {
            throw new ConvEngineException($"{file}: {e.Message}", e);
        }
    }

    private static string Metadata(SafeTensors.Contents contents, string key, string file) =>
        contents.Metadata.TryGetValue(key, out var value)
            ? value
            : throw new ConvEngineException($"{file}: not a ConvEngine LeNet checkpoint (no '{key}' in its metadata)");

    private static int IntMetadata(SafeTensors.Contents contents, string key, string file, int min) =>
        int.TryParse(Metadata(contents, key, file), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min
            ? value
            : throw new ConvEngineException($"{file}: metadata '{key}' is '{Metadata(contents, key, file)}', expected a whole number of at least {min}");

    private static float FloatMetadata(SafeTensors.Contents contents, string key, string file) =>
        float.TryParse(Metadata(contents, key, file), NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && value > 0 && float.IsFinite(value)
            ? value
            : throw new ConvEngineException($"{file}: metadata '{key}' is '{Metadata(contents, key, file)}', expected a positive number");
}

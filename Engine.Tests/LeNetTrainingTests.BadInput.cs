using System.Security.Cryptography;
using ConvEngine.Kernels;
using ConvEngine.Samples.Models;
using ConvEngine.Samples.Training;
using ConvEngine.Serialization;

namespace ConvEngine.Tests;

// The command line tried as a new user would, with bad input: every case prints one error line, exits 1, and
// neither writes nor changes a file. A run whose loss blows up stops likewise, keeping the last good checkpoint.
public partial class LeNetTrainingTests
{
    // Placeholders in the command lines: {data} a tiny dataset; {run} a run folder with a checkpoint of epoch 1;
    // {bad} a folder of broken files (see WriteBrokenFiles); {temp} the test's folder.
    [TestCase("lenet --data {temp}/no-such-folder --epochs 1 --out {temp}/out", "Fashion-MNIST not found in {temp}/no-such-folder: expected train-images-idx3-ubyte.gz")]
    [TestCase("lenet --data {bad}/empty --epochs 1 --out {temp}/out", "Fashion-MNIST not found in {bad}/empty")]
    [TestCase("lenet --data {bad}/truncated-data --epochs 1 --out {temp}/out", "{bad}/truncated-data/train-images-idx3-ubyte.gz: truncated IDX payload")]
    [TestCase("lenet --data {bad}/not-idx-data --epochs 1 --out {temp}/out", "{bad}/not-idx-data/t10k-labels-idx1-ubyte.gz: IDX magic number is")]
    [TestCase("evaluate --checkpoint {run} --data {bad}/truncated-data", "{bad}/truncated-data/train-images-idx3-ubyte.gz: truncated IDX payload")]
    [TestCase("lenet --epochs -2 --data {data}", "--epochs must be positive, but got -2")]
    [TestCase("lenet --batch-size -5 --data {data}", "--batch-size must be positive, but got -5")]
    [TestCase("lenet --lr 0 --data {data}", "--lr must be positive and finite, but got 0")]
    [TestCase("lenet --lr NaN --data {data}", "--lr must be positive and finite, but got NaN")]
    [TestCase("lenet --lr -Infinity --data {data}", "--lr must be positive and finite, but got -Infinity")]
    [TestCase("lenet --variant lenet5 --data {data}", "--variant must be one of d2l, relu, classic, but got 'lenet5'")]
    [TestCase("lenet --seed -1 --data {data}", "--seed must not be negative, but got -1")]
    [TestCase("lenet --data {data} --epochs 1 --out {run}/model.safetensors", "--out {run}/model.safetensors: cannot create the run folder")]
    [TestCase("lenet --data {data} --epochs 1 --out ", "--out must name a folder, but got an empty string")]
    [TestCase("evaluate --checkpoint {bad}/truncated.safetensors --data {data}", "{bad}/truncated.safetensors: invalid safetensors file: ")]
    [TestCase("evaluate --checkpoint {bad}/huge-header.safetensors --data {data}", "{bad}/huge-header.safetensors: invalid safetensors file: header length")]
    [TestCase("predict --checkpoint {bad}/text.safetensors --index 0 --data {data}", "{bad}/text.safetensors: invalid safetensors file: ")]
    [TestCase("predict --checkpoint {bad}/empty --index 0 --data {data}", "{bad}/empty: no such checkpoint")]
    [TestCase("predict --checkpoint {run} --index 20 --data {data}", "--index 20 is past the test set's last image, 19")]
    [TestCase("predict --checkpoint {run} --index -3 --data {data}", "--index must not be negative, but got -3")]
    [TestCase("lenet --resume {temp}/no-such-run --epochs 2 --data {data}", "--resume {temp}/no-such-run: no such checkpoint")]
    [TestCase("lenet --resume {temp}/no-such-run/model.safetensors --epochs 2 --data {data}", "no such checkpoint")]
    [TestCase("lenet --resume {bad}/empty --epochs 2 --data {data}", "{bad}/empty/model.safetensors is missing")]
    [TestCase("lenet --resume {bad}/run-with-broken-optimizer --epochs 2 --data {data}",
        "{bad}/run-with-broken-optimizer/optimizer.safetensors: invalid safetensors file: ")]
    [TestCase("lenet --resume {bad}/run-with-broken-history --epochs 2 --data {data}", "{bad}/run-with-broken-history/history.csv: ")]
    public void Cli_BadInput_OneErrorLineExit1AndNoFileWrittenOrChanged(string commandLine, string message)
    {
        string data = WriteTinyDataset(), run = WriteCheckpoint("run"), bad = WriteBrokenFiles(run);
        string Fill(string text) => text.Replace("{data}", data).Replace("{run}", run).Replace("{bad}", bad).Replace("{temp}", _temp);
        var before = Snapshot();

        var (exitCode, output, error) = RunCli(Fill(commandLine).Split(' '));

        Assert.That(exitCode, Is.EqualTo(1), error);
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Match(@"^error: [^\n]+\n$").And.Contain(Fill(message)));
        Assert.That(Snapshot(), Is.EqualTo(before), "files written or changed");
    }

    // No CUDA backend exists in this build; where one someday finds a device, there is nothing to test here.
    [TestCase("lenet --device cuda --data {data}")]
    [TestCase("evaluate --device cuda --checkpoint {run} --data {data}")]
    [TestCase("predict --device cuda:1 --checkpoint {run} --index 0 --data {data}")]
    [TestCase("learn-kernel --device cuda")]
    public void Cli_CudaWithoutCuda_SaysWhyInOneLine(string commandLine)
    {
        if (Accelerators.Probe().Single(r => r.Kind == "cuda").Devices.Count > 0) Assert.Ignore("CUDA is available here");
        string data = WriteTinyDataset(), run = WriteCheckpoint("run");
        var (exitCode, output, error) = RunCli(commandLine.Replace("{data}", data).Replace("{run}", run).Split(' '));
        Assert.That((exitCode, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.Match(@"^error: device 'cuda(:1)?' is unavailable: [^\n]+\n$"));
    }

    // ---- divergence -----------------------------------------------------------------------------------------

    // SGD at lr 1e30 blows the sigmoid net's logits up within the first steps (the loss grows huge, not NaN).
    [Test]
    public void Cli_DivergingFirstEpoch_StopsWithOneLineAndWritesNoCheckpoint()
    {
        string data = WriteTinyDataset(), run = Path.Combine(_temp, "run");
        var (exitCode, output, error) = RunCli($"lenet --variant d2l --lr 1e30 --batch-size 16 --epochs 3 --data {data} --out {run}".Split(' '));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Does.Match(
            @"^error: training diverged in epoch 1: the mean loss reached \S+, over 100 times chance level \(2\.303\) by step 4 of 4 with lr 1E\+30; "
            + @"try a lower --lr \(no checkpoint was written\)\n$"));
        Assert.That(output, Does.Not.Match("(?m)^epoch "));
        Assert.That(File.Exists(Path.Combine(run, Checkpoint.ModelFile)), Is.False);
    }

    // Epoch 1 trains well; the run is then resumed with its recorded lr raised to 1e10, under which Adam drives the
    // ReLU net's loss to NaN. The error names epoch 2, and the checkpoint of epoch 1 is untouched and loads.
    [Test]
    public void Cli_DivergingLaterEpoch_KeepsTheLastGoodCheckpoint()
    {
        string data = WriteTinyDataset(), run = Path.Combine(_temp, "run");
        Assert.That(RunCli($"lenet --variant relu --batch-size 16 --epochs 1 --data {data} --out {run}".Split(' ')).ExitCode, Is.Zero);
        string optimizerPath = Path.Combine(run, Checkpoint.OptimizerFile);
        var optimizer = SafeTensors.Load(optimizerPath);
        SafeTensors.Save(optimizerPath, optimizer.Tensors, new Dictionary<string, string>(optimizer.Metadata) { ["lr"] = "1e10" });
        var before = Snapshot();

        var (exitCode, output, error) = RunCli($"lenet --resume {run} --epochs 3 --data {data}".Split(' '));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Is.EqualTo($"error: training diverged in epoch 2: the loss became nan by step 4 of 4 with lr 1E+10; try a lower --lr ({run} keeps the checkpoint of epoch 1)\n"));
        Assert.That(output, Does.Not.Match("(?m)^epoch 2"));
        Assert.That(Snapshot(), Is.EqualTo(before));
        Assert.That(Checkpoint.LoadModel(run, Device.Cpu).Epoch, Is.EqualTo(1));
    }

    [Test]
    public void Cli_DetectAnomaly_NamesTheOpThatMadeTheNaN()
    {
        string data = WriteTinyDataset(), run = Path.Combine(_temp, "run");
        var (exitCode, _, error) = RunCli($"lenet --variant relu --lr 1e10 --batch-size 16 --epochs 1 --data {data} --out {run} --detect-anomaly".Split(' '));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error, Does.Match(@"^error: Function '\w+' returned (nan|inf) values in its \d+th output( in the forward pass)?\.\n$"));
        Assert.That(Autograd.AnomalyMode.Enabled, Is.False, "the run's setting ends with it");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    // A run folder with a checkpoint of an untrained relu LeNet, as if after epoch 1 (no training: quick).
    private string WriteCheckpoint(string name)
    {
        string folder = Path.Combine(_temp, name);
        var net = LeNet.Create("relu", new Generator(0));
        var optimizer = LeNet.CreateOptimizer("relu", net, 1e-3f);
        Checkpoint.Save(folder, net, optimizer, new RunSettings("relu", 1e-3f, 16, 0), [new EpochResult(1, 2.3, 0.1, 0.1, 1, 64)]);
        return folder;
    }

    // Broken copies of good files, as a user's disk might hold them after an interrupted copy or a wrong path.
    private string WriteBrokenFiles(string run)
    {
        string bad = Path.Combine(_temp, "bad");
        Directory.CreateDirectory(Path.Combine(bad, "empty"));
        byte[] model = File.ReadAllBytes(Path.Combine(run, Checkpoint.ModelFile));
        File.WriteAllBytes(Path.Combine(bad, "truncated.safetensors"), model[..(model.Length / 2)]);
        byte[] hugeHeader = (byte[])model.Clone();
        hugeHeader[5] = 0xff; // the header length's sixth byte: about 10^15 bytes
        File.WriteAllBytes(Path.Combine(bad, "huge-header.safetensors"), hugeHeader);
        File.WriteAllText(Path.Combine(bad, "text.safetensors"), "hello\n");

        string data = Path.Combine(_temp, "data");
        foreach (var (folder, file, bytes) in new[]
        {
            ("truncated-data", "train-images-idx3-ubyte.gz", File.ReadAllBytes(Path.Combine(data, "train-images-idx3-ubyte.gz"))[..400]),
            ("not-idx-data", "t10k-labels-idx1-ubyte.gz", DataTests.Idx.Gzip("not an IDX file"u8.ToArray())),
        })
        {
            CopyFolder(data, Path.Combine(bad, folder));
            File.WriteAllBytes(Path.Combine(bad, folder, file), bytes);
        }

        CopyFolder(run, Path.Combine(bad, "run-with-broken-optimizer"));
        byte[] optimizer = File.ReadAllBytes(Path.Combine(run, Checkpoint.OptimizerFile));
        File.WriteAllBytes(Path.Combine(bad, "run-with-broken-optimizer", Checkpoint.OptimizerFile), optimizer[..(optimizer.Length - 100)]);
        CopyFolder(run, Path.Combine(bad, "run-with-broken-history"));
        File.WriteAllText(Path.Combine(bad, "run-with-broken-history", Checkpoint.HistoryFile), "epoch;loss\n1;2.3\n");
        return bad;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    // Every file under the test's folder with a hash of its bytes.
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_temp, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}

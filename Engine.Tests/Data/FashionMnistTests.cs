using ConvEngine.Data;

namespace ConvEngine.Tests.DataTests;

/// <summary>
/// Fashion-MNIST's search order and download (issue 3, Data), with generated datasets in temp folders
/// and a local HTTP server on 127.0.0.1: never the user's home folder, never the network. The fixture
/// sets <c>CONVENGINE_DATA</c> in some tests, so it runs alone.
/// </summary>
[TestFixture]
[NonParallelizable]
public class FashionMnistTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private TempFolder _temp = null!;
    private string? _savedEnvironment;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _savedEnvironment = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, _savedEnvironment);
        _temp.Dispose();
    }

    private string Folder(string name)
    {
        string folder = _temp.File(name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void AssertHolds(FashionMnist data, Idx.Dataset expected)
    {
        Assert.That(data.Train.Count, Is.EqualTo(expected.TrainLabels.Length));
        Assert.That(data.Test.Count, Is.EqualTo(expected.TestLabels.Length));
        Assert.That(data.Train.Height, Is.EqualTo(28));
        Assert.That(data.Train.Width, Is.EqualTo(28));
        Assert.That(data.Train.Pixels, Is.EqualTo(expected.TrainPixels));
        Assert.That(data.Train.Labels, Is.EqualTo(expected.TrainLabels));
        Assert.That(data.Test.Pixels, Is.EqualTo(expected.TestPixels));
        Assert.That(data.Test.Labels, Is.EqualTo(expected.TestLabels));
    }

    /// <summary>Runs <paramref name="action"/> on a worker and fails the test if it takes longer than <see cref="Bound"/>; rethrows its exception.</summary>
    private static void Bounded(Action action)
    {
        var task = Task.Run(action);
        if (Task.WhenAny(task, Task.Delay(Bound)).GetAwaiter().GetResult() != task)
            Assert.Fail($"did not finish within {Bound.TotalSeconds} s");
        task.GetAwaiter().GetResult();
    }

    // ---- search order ----

    [Test]
    public void Load_ExplicitFolder_ReadsTheFourGzipFiles()
    {
        string folder = Folder("explicit");
        var dataset = Idx.MakeFashionMnist(train: 3, test: 2, seed: 10);
        dataset.WriteTo(folder);

        var data = FashionMnist.Load(folder);

        Assert.That(data.Folder, Is.EqualTo(folder));
        AssertHolds(data, dataset);
    }

    [Test]
    public void Load_ExplicitFolder_AcceptsPlainFiles()
    {
        string folder = Folder("plain");
        var dataset = Idx.MakeFashionMnist(train: 2, test: 1, seed: 11, gzip: false);
        dataset.WriteTo(folder);

        AssertHolds(FashionMnist.Load(folder), dataset);
    }

    [Test]
    public void Load_ExplicitFolderWinsOverTheEnvironmentVariable()
    {
        string fromEnvironment = Folder("env"), explicitFolder = Folder("explicit");
        Idx.MakeFashionMnist(train: 4, test: 4, seed: 12).WriteTo(fromEnvironment);
        var wanted = Idx.MakeFashionMnist(train: 3, test: 1, seed: 13);
        wanted.WriteTo(explicitFolder);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, fromEnvironment);

        var data = FashionMnist.Load(explicitFolder);

        Assert.That(data.Folder, Is.EqualTo(explicitFolder));
        AssertHolds(data, wanted);
    }

    [Test]
    public void Load_ExplicitFolderMissingAFile_IsOneClearErrorNamingTheFolder()
    {
        string folder = Folder("incomplete");
        var dataset = Idx.MakeFashionMnist(train: 2, test: 2, seed: 14);
        dataset.WriteTo(folder);
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        // Even with a complete folder in CONVENGINE_DATA, an explicit folder is not second-guessed.
        string complete = Folder("complete");
        dataset.WriteTo(complete);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, complete);

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(folder));
        Assert.That(e.Message, Does.Contain("t10k-labels-idx1-ubyte"));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void Load_ExplicitFolderThatDoesNotExist_NamesIt()
    {
        string folder = _temp.File("no-such-folder");

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(folder));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void Load_WithoutFolder_UsesTheEnvironmentVariable()
    {
        string folder = Folder("from-env");
        var dataset = Idx.MakeFashionMnist(train: 2, test: 3, seed: 15);
        dataset.WriteTo(folder);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, folder);

        var data = FashionMnist.Load();

        Assert.That(data.Folder, Is.EqualTo(folder));
        AssertHolds(data, dataset);
    }

    // ---- dataset-level validation of the four files ----

    [Test]
    public void Load_ImagesThatAreNot28x28_AreRejectedNamingTheFile()
    {
        string folder = Folder("bad-size");
        Idx.MakeFashionMnist(train: 2, test: 2, seed: 16).WriteTo(folder);
        string images = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, Idx.Gzip(Idx.Images(new byte[2 * 27 * 28], 2, rows: 27, cols: 28)));

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(images));
        Assert.That(e.Message, Does.Contain("28x28"));
    }

    [Test]
    public void Load_LabelCountDifferentFromImageCount_IsRejectedNamingTheFile()
    {
        string folder = Folder("bad-count");
        Idx.MakeFashionMnist(train: 2, test: 2, seed: 17).WriteTo(folder);
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, Idx.Gzip(Idx.Labels([1, 2, 3])));

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(labels));
        Assert.That(e.Message, Does.Contain("3 labels for 2 images"));
    }

    [Test]
    public void Load_LabelOutside0To9_IsRejectedNamingTheFileAndIndex()
    {
        string folder = Folder("bad-label");
        Idx.MakeFashionMnist(train: 3, test: 2, seed: 18).WriteTo(folder);
        string labels = Path.Combine(folder, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, Idx.Gzip(Idx.Labels([0, 9, 10])));

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(labels));
        Assert.That(e.Message, Does.Contain("label 10 at index 2"));
    }

    [Test]
    public void Load_CorruptFileInAFolder_IsTheIdxReadersError()
    {
        string folder = Folder("corrupt");
        Idx.MakeFashionMnist(train: 2, test: 2, seed: 19).WriteTo(folder);
        string images = Path.Combine(folder, "t10k-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<ConvEngineException>(() => FashionMnist.Load(folder))!;

        Assert.That(e.Message, Does.Contain(images));
    }

    // ---- download, against a local server ----

    private static Dictionary<string, string> Md5s(Idx.Dataset dataset) =>
        dataset.Files.ToDictionary(f => f.Key[..^".gz".Length], f => Idx.Md5(f.Value));

    [Test]
    public void FetchInto_DownloadsAndChecksTheFiles_WhichThenLoad()
    {
        var dataset = Idx.MakeFashionMnist(train: 3, test: 3, seed: 20);
        using var server = new LocalHttpServer(dataset.Files);
        string folder = _temp.File("downloaded"); // FetchInto creates it

        Bounded(() => new DatasetDownload(server.BaseUrl, Md5s(dataset)).FetchInto(folder));

        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(dataset.Files.Keys.Order(StringComparer.Ordinal)), "the four files and nothing else (no .part)");
        foreach (var (name, bytes) in dataset.Files)
            Assert.That(File.ReadAllBytes(Path.Combine(folder, name)), Is.EqualTo(bytes), name);
        Assert.That(server.Requests.Order(StringComparer.Ordinal), Is.EqualTo(dataset.Files.Keys.Order(StringComparer.Ordinal)));
        AssertHolds(FashionMnist.Load(folder), dataset);
    }

    [Test]
    public void FetchInto_BaseUrlWithoutTrailingSlash_Works()
    {
        var dataset = Idx.MakeFashionMnist(train: 1, test: 1, seed: 21);
        using var server = new LocalHttpServer(dataset.Files);
        string folder = _temp.File("downloaded");
        var download = new DatasetDownload(server.BaseUrl.TrimEnd('/'), Md5s(dataset));

        Assert.That(download.BaseUrl, Is.EqualTo(server.BaseUrl));
        Bounded(() => download.FetchInto(folder));
        AssertHolds(FashionMnist.Load(folder), dataset);
    }

    [Test]
    public void FetchInto_CorruptedFile_IsRejectedNamingTheUrl_AndLeavesNothingBehind()
    {
        var dataset = Idx.MakeFashionMnist(train: 3, test: 3, seed: 22);
        var md5s = Md5s(dataset);
        const string victim = "train-labels-idx1-ubyte.gz";
        var served = new Dictionary<string, byte[]>(dataset.Files);
        var corrupted = (byte[])served[victim].Clone();
        corrupted[corrupted.Length / 2] ^= 0x55;
        served[victim] = corrupted;
        using var server = new LocalHttpServer(served);
        string folder = _temp.File("downloaded");

        var e = Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(server.BaseUrl, md5s).FetchInto(folder)))!;

        Assert.That(e.Message, Does.Contain(server.BaseUrl + victim));
        Assert.That(e.Message, Does.Contain("MD5"));
        Assert.That(e.Message, Does.Contain(md5s["train-labels-idx1-ubyte"]), "the expected checksum");
        Assert.That(e.Message, Does.Contain(Idx.Md5(corrupted)), "the actual checksum");
        Assert.That(File.Exists(Path.Combine(folder, victim)), Is.False, "the corrupted file must not be kept");
        Assert.That(Directory.GetFiles(folder, "*.part"), Is.Empty, "no partial download left behind");
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "train-images-idx3-ubyte.gz" }),
            "only the file verified before the corrupted one");
    }

    [Test]
    public void FetchInto_CorruptedFile_DoesNotReplaceAGoodCopyAlreadyThere()
    {
        var dataset = Idx.MakeFashionMnist(train: 2, test: 2, seed: 23);
        string folder = Folder("existing");
        dataset.WriteTo(folder);
        var served = dataset.Files.ToDictionary(f => f.Key, f => (byte[])f.Value.Clone());
        served["train-images-idx3-ubyte.gz"][20] ^= 0xFF;
        using var server = new LocalHttpServer(served);

        Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(server.BaseUrl, Md5s(dataset)).FetchInto(folder)));

        Assert.That(File.ReadAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz")), Is.EqualTo(dataset.Files["train-images-idx3-ubyte.gz"]));
        Assert.That(Directory.GetFiles(folder, "*.part"), Is.Empty);
        AssertHolds(FashionMnist.Load(folder), dataset);
    }

    [Test]
    public void FetchInto_Http404_IsAConvEngineExceptionNamingTheUrl()
    {
        var dataset = Idx.MakeFashionMnist(train: 1, test: 1, seed: 24);
        var served = new Dictionary<string, byte[]>(dataset.Files);
        served.Remove("t10k-images-idx3-ubyte.gz");
        using var server = new LocalHttpServer(served);
        string folder = _temp.File("downloaded");

        var e = Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(server.BaseUrl, Md5s(dataset)).FetchInto(folder)))!;

        Assert.That(e.Message, Does.Contain(server.BaseUrl + "t10k-images-idx3-ubyte.gz"));
        Assert.That(e.Message, Does.Contain("404"));
        Assert.That(Directory.GetFiles(folder, "*.part"), Is.Empty);
        Assert.That(File.Exists(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")), Is.False);
    }

    [Test]
    public void FetchInto_TransferThatBreaksOff_IsAConvEngineException_AndLeavesNoPart()
    {
        var dataset = Idx.MakeFashionMnist(train: 20, test: 1, seed: 25);
        using var server = new LocalHttpServer(dataset.Files);
        server.BreakOff.Add("train-images-idx3-ubyte.gz");
        string folder = _temp.File("downloaded");

        var e = Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(server.BaseUrl, Md5s(dataset)).FetchInto(folder)))!;

        Assert.That(e.Message, Does.Contain(server.BaseUrl + "train-images-idx3-ubyte.gz"));
        Assert.That(Directory.GetFiles(folder), Is.Empty, "neither the broken file nor its .part");
    }

    [Test]
    public void FetchInto_NobodyListening_IsAConvEngineExceptionNamingTheUrl()
    {
        var dataset = Idx.MakeFashionMnist(train: 1, test: 1, seed: 26);
        string url = $"http://127.0.0.1:{LocalHttpServer.FreePort()}/";
        string folder = _temp.File("downloaded");

        var e = Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(url, Md5s(dataset)).FetchInto(folder)))!;

        Assert.That(e.Message, Does.Contain(url));
        Assert.That(Directory.GetFiles(folder), Is.Empty);
    }

    /// <summary>
    /// A download folder that cannot be created (here a file stands where the folder should be, as when
    /// <c>~/.convengine</c> is a file or the home folder is read-only) must be the library's own error
    /// naming the folder, so that <see cref="FashionMnist.Load"/> can turn it into its one-line message.
    /// </summary>
    [Test]
    public void FetchInto_FolderThatCannotBeCreated_IsAConvEngineExceptionNamingIt()
    {
        var dataset = Idx.MakeFashionMnist(train: 1, test: 1, seed: 27);
        string blocker = _temp.Write("not-a-folder", [1, 2, 3]);
        string folder = Path.Combine(blocker, "fashion-mnist");
        string url = $"http://127.0.0.1:{LocalHttpServer.FreePort()}/";

        var e = Assert.Throws<ConvEngineException>(() => Bounded(() => new DatasetDownload(url, Md5s(dataset)).FetchInto(folder)))!;

        Assert.That(e.Message, Does.Contain(folder));
        Assert.That(File.ReadAllBytes(blocker), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    // ---- the real dataset ----

    [Test]
    public void Load_RealDataset_FromDebiansFolder_Has60000And10000ImagesWithLabels0To9()
    {
        if (!Directory.Exists(FashionMnist.SystemFolder))
            Assert.Ignore($"{FashionMnist.SystemFolder} is absent (Debian package dataset-fashion-mnist not installed)");

        var data = FashionMnist.Load(FashionMnist.SystemFolder);

        Assert.That(data.Train.Count, Is.EqualTo(60000));
        Assert.That(data.Test.Count, Is.EqualTo(10000));
        Assert.That(data.Train.Pixels, Has.Length.EqualTo(60000 * 784));
        Assert.That(data.Test.Pixels, Has.Length.EqualTo(10000 * 784));
        Assert.That(data.Train.Labels.Max(), Is.LessThanOrEqualTo(9));
        Assert.That(data.Test.Labels.Max(), Is.LessThanOrEqualTo(9));
        // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
        var trainPerClass = data.Train.Labels.CountBy(l => l).OrderBy(c => c.Key).Select(c => c.Value).ToArray();
        var testPerClass = data.Test.Labels.CountBy(l => l).OrderBy(c => c.Key).Select(c => c.Value).ToArray();
        Assert.That(trainPerClass, Is.EqualTo(Enumerable.Repeat(6000, 10)));
        Assert.That(testPerClass, Is.EqualTo(Enumerable.Repeat(1000, 10)));
        Assert.That(FashionMnist.ClassNames, Has.Count.EqualTo(10));
    }
}

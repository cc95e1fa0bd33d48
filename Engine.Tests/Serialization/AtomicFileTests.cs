using System.Text;
using ConvEngine.Serialization;
using ConvEngine.Tests.DataTests;

namespace ConvEngine.Tests.SerializationTests;

/// <summary>
/// Atomic saving (issue 3, "write files atomically"; issue 7, "a crash mid-save leaves the previous
/// checkpoint intact and loadable"). The crash is modelled at the byte level: a write callback that has
/// already written part of the new file and then throws, which is what a process dying mid-save leaves
/// behind in the temporary file, minus the clean-up. KilledSaveTests kills a real process mid-save.
/// </summary>
[TestFixture]
public class AtomicFileTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    private static byte[] Pattern(int length, int seed) => Idx.RandomBytes(length, seed);

    [Test]
    public void Write_NewFile_CreatesItAndItsFolders()
    {
        string path = Path.Combine(_temp.Path, "runs", "relu-1", "history.csv");

        AtomicFile.Write(path, s => s.Write("epoch,loss\n"u8));

        Assert.That(File.ReadAllText(path), Is.EqualTo("epoch,loss\n"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file left");
    }

    [Test]
    public void Write_OverAnExistingFile_ReplacesItWhole()
    {
        string path = _temp.Write("model.safetensors", Pattern(10_000, 1));
        var shorter = Pattern(100, 2);

        AtomicFile.Write(path, s => s.Write(shorter));

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(shorter), "no tail of the longer old file remains");
        Assert.That(_temp.FileNames(), Is.EqualTo(new[] { "model.safetensors" }));
    }

    [Test]
    public void WriteText_IsUtf8WithoutByteOrderMark()
    {
        string path = _temp.File("curves.svg");

        AtomicFile.WriteText(path, "<svg>é</svg>");

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(Encoding.UTF8.GetBytes("<svg>é</svg>")));
    }

    [Test]
    public void Write_CallbackThrowsMidway_PreviousCheckpointIsIntactAndLoadable_AndNoTempFileIsLeft()
    {
        string path = _temp.File("model.safetensors");
        var old = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        SafeTensors.Save(path, [new("w", old)]);
        var oldBytes = File.ReadAllBytes(path);

        // The new checkpoint, larger than the old, written halfway before the "crash".
        string scratch = _temp.File("scratch.safetensors");
        SafeTensors.Save(scratch, [new("w", Tensor.FromArray(Enumerable.Range(0, 4096).Select(i => (float)i).ToArray(), 64, 64))]);
        var newBytes = File.ReadAllBytes(scratch);
        File.Delete(scratch);

        var crash = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(newBytes, 0, newBytes.Length / 2);
            s.Flush();
            throw new InvalidOperationException("simulated crash mid-save");
        }))!;

        Assert.That(crash.Message, Is.EqualTo("simulated crash mid-save"), "the callback's own failure comes out unchanged");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(oldBytes), "the previous checkpoint is untouched");
        Assert.That(SafeTensors.Load(path).Tensors["w"].ToArray(), Is.EqualTo(old.ToArray()), "and still loads");
        Assert.That(_temp.FileNames(), Is.EqualTo(new[] { "model.safetensors" }), "no temporary file left behind");
    }

    [Test]
    public void Write_CallbackThrowsBeforeWritingAnything_NoFileAppears()
    {
        string path = _temp.File("optimizer.safetensors");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("boom")));

        Assert.That(_temp.FileNames(), Is.Empty);
    }

    [Test]
    public void Write_CallbackThrowsIOException_IsAConvEngineExceptionNamingThePath_AndCleansUp()
    {
        string path = _temp.Write("model.safetensors", Pattern(64, 3));
        var oldBytes = File.ReadAllBytes(path);

        var e = Assert.Throws<ConvEngineException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(Pattern(32, 4));
            throw new IOException("No space left on device");
        }))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain("No space left on device"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(oldBytes));
        Assert.That(_temp.FileNames(), Is.EqualTo(new[] { "model.safetensors" }));
    }

    [Test]
    public void Write_TargetIsAFolder_IsAConvEngineExceptionAndLeavesNoTempFile()
    {
        string path = _temp.File("model.safetensors");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<ConvEngineException>(() => AtomicFile.Write(path, s => s.Write(Pattern(16, 5))))!;

        Assert.That(e.Message, Does.Contain(path));
        Assert.That(Directory.Exists(path), Is.True);
        Assert.That(_temp.FileNames(), Is.Empty, "no temporary file left beside the target");
    }

    [Test]
    public void SafeTensorsSave_WhenCollectingTheTensorsFails_PreviousFileIsIntact()
    {
        string path = _temp.File("model.safetensors");
        SafeTensors.Save(path, [new("w", Tensor.FromArray([5f]))]);
        var oldBytes = File.ReadAllBytes(path);

        IEnumerable<KeyValuePair<string, Tensor>> Failing()
        {
            yield return new("w", Tensor.FromArray([6f]));
            throw new InvalidOperationException("state dict failed");
        }

        Assert.Throws<InvalidOperationException>(() => SafeTensors.Save(path, Failing()));

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(oldBytes));
        Assert.That(_temp.FileNames(), Is.EqualTo(new[] { "model.safetensors" }));
    }

    /// <summary>
    /// Readers running while the file is rewritten again and again see one complete version or the
    /// other, never a mix or a short file: the rename is the only moment the target changes.
    /// </summary>
    [Test]
    public void Write_ConcurrentReadersSeeOnlyCompleteVersions()
    {
        string path = _temp.File("model.bin");
        var a = Pattern(256 * 1024, 6);
        var b = Pattern(128 * 1024, 7);
        File.WriteAllBytes(path, a);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int reads = 0, bad = 0;

        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var seen = File.ReadAllBytes(path);
                if (!seen.AsSpan().SequenceEqual(a) && !seen.AsSpan().SequenceEqual(b)) Interlocked.Increment(ref bad);
                Interlocked.Increment(ref reads);
            }
        });
        for (int i = 0; i < 60 && !stop.IsCancellationRequested; i++)
            AtomicFile.Write(path, s => s.Write(i % 2 == 0 ? b : a));
        stop.Cancel();
        reader.Wait(TimeSpan.FromSeconds(10));

        Assert.That(reader.IsCompletedSuccessfully, Is.True, reader.Exception?.ToString());
        Assert.That(bad, Is.Zero, $"{bad} of {reads} reads saw a torn file");
        Assert.That(reads, Is.GreaterThan(0));
        Assert.That(_temp.FileNames(), Is.EqualTo(new[] { "model.bin" }));
    }
}

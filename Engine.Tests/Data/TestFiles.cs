using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using ConvEngine.Data;

namespace ConvEngine.Tests.DataTests;

/// <summary>A fresh folder under the system temp folder, deleted (with everything in it) on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("convengine-tests-").FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> inside the folder; returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Names of the files now in the folder (no subfolders), sorted.</summary>
    public string[] FileNames() => Directory.GetFiles(Path).Select(p => System.IO.Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Builds IDX files (plain and gzip) and whole Fashion-MNIST-shaped folders for the data tests.</summary>
public static class Idx
{
    /// <summary>A plain IDX file: big-endian magic, big-endian dimensions, then the payload as given.</summary>
    public static byte[] Plain(int magic, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>The gzip compression of <paramref name="plain"/>.</summary>
    public static byte[] Gzip(byte[] plain)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(plain);
        return memory.ToArray();
    }

    /// <summary>An image file of <paramref name="count"/> images of rows × cols.</summary>
    public static byte[] Images(byte[] pixels, int count, int rows = 28, int cols = 28) =>
        Plain(IdxFile.ImagesMagic, [count, rows, cols], pixels);

    /// <summary>A label file.</summary>
    public static byte[] Labels(byte[] labels) => Plain(IdxFile.LabelsMagic, [labels.Length], labels);

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Deterministic labels in 0..9.</summary>
    public static byte[] RandomLabels(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
    }

    /// <summary>The MD5 of <paramref name="bytes"/> in lowercase hex, as <see cref="FashionMnist.OfficialMd5"/> spells it.</summary>
    public static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>
    /// The four Fashion-MNIST files (by their file names, <c>.gz</c> when <paramref name="gzip"/>) holding
    /// <paramref name="train"/> and <paramref name="test"/> images of 28×28 with random pixels and labels.
    /// </summary>
    public static Dataset MakeFashionMnist(int train, int test, int seed, bool gzip = true)
    {
        var trainPixels = RandomBytes(train * 784, seed);
        var trainLabels = RandomLabels(train, seed + 1);
        var testPixels = RandomBytes(test * 784, seed + 2);
        var testLabels = RandomLabels(test, seed + 3);
        string ext = gzip ? ".gz" : "";
        Func<byte[], byte[]> encode = gzip ? Gzip : b => b;
        var files = new Dictionary<string, byte[]>
        {
            ["train-images-idx3-ubyte" + ext] = encode(Images(trainPixels, train)),
            ["train-labels-idx1-ubyte" + ext] = encode(Labels(trainLabels)),
            ["t10k-images-idx3-ubyte" + ext] = encode(Images(testPixels, test)),
            ["t10k-labels-idx1-ubyte" + ext] = encode(Labels(testLabels)),
        };
        return new Dataset(files, trainPixels, trainLabels, testPixels, testLabels);
    }

    /// <summary>A generated dataset: its files by name and the content they hold.</summary>
    public sealed record Dataset(
        Dictionary<string, byte[]> Files, byte[] TrainPixels, byte[] TrainLabels, byte[] TestPixels, byte[] TestLabels)
    {
        /// <summary>Writes every file into <paramref name="folder"/>.</summary>
        public void WriteTo(string folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in Files) System.IO.File.WriteAllBytes(System.IO.Path.Combine(folder, name), bytes);
        }
    }
}

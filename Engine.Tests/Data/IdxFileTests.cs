using System.Buffers.Binary;
using ConvEngine.Data;

namespace ConvEngine.Tests.DataTests;

/// <summary>
/// The IDX reader (issue 3, Data): plain and gzip files read back exactly; every malformed file is a
/// <see cref="ConvEngineException"/> whose one-line message names the file and what is wrong; a mutation
/// sweep over valid files lets nothing but the library's own exception out (issue 7, Files).
/// </summary>
[TestFixture]
public class IdxFileTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    private static ConvEngineException AssertRejected(string path, int magic, params string[] fragments)
    {
        var e = Assert.Throws<ConvEngineException>(() => IdxFile.Read(path, magic))!;
        Assert.That(e.Message, Does.Contain(path), "the message must name the file");
        foreach (var fragment in fragments) Assert.That(e.Message, Does.Contain(fragment).IgnoreCase);
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        return e;
    }

    // ---- valid files ----

    [Test]
    public void Read_PlainImages_ReturnsDimsAndPayload()
    {
        var pixels = Idx.RandomBytes(3 * 28 * 28, seed: 1);
        string path = _temp.Write("images", Idx.Images(pixels, 3));

        var idx = IdxFile.Read(path, IdxFile.ImagesMagic);

        Assert.That(idx.Path, Is.EqualTo(path));
        Assert.That(idx.Dims, Is.EqualTo(new[] { 3, 28, 28 }));
        Assert.That(idx.Payload, Is.EqualTo(pixels));
    }

    [Test]
    public void Read_GzipImagesAndLabels_AreDecompressed()
    {
        var pixels = Idx.RandomBytes(2 * 28 * 28, seed: 2);
        var labels = new byte[] { 9, 0 };
        string images = _temp.Write("images.gz", Idx.Gzip(Idx.Images(pixels, 2)));
        string labelFile = _temp.Write("labels.gz", Idx.Gzip(Idx.Labels(labels)));

        var i = IdxFile.Read(images, IdxFile.ImagesMagic);
        var l = IdxFile.Read(labelFile, IdxFile.LabelsMagic);

        Assert.That(i.Dims, Is.EqualTo(new[] { 2, 28, 28 }));
        Assert.That(i.Payload, Is.EqualTo(pixels));
        Assert.That(l.Dims, Is.EqualTo(new[] { 2 }));
        Assert.That(l.Payload, Is.EqualTo(labels));
    }

    [Test]
    public void Read_GzipIsDetectedByMagicBytesNotByFileName()
    {
        var labels = new byte[] { 1, 2, 3 };
        string gzipWithoutExtension = _temp.Write("labels-idx1-ubyte", Idx.Gzip(Idx.Labels(labels)));
        string plainWithGzExtension = _temp.Write("labels-idx1-ubyte.gz", Idx.Labels(labels));

        Assert.That(IdxFile.Read(gzipWithoutExtension, IdxFile.LabelsMagic).Payload, Is.EqualTo(labels));
        Assert.That(IdxFile.Read(plainWithGzExtension, IdxFile.LabelsMagic).Payload, Is.EqualTo(labels));
    }

    [Test]
    public void Read_ZeroImages_IsAnEmptyValidFile()
    {
        string path = _temp.Write("empty", Idx.Images([], 0));

        var idx = IdxFile.Read(path, IdxFile.ImagesMagic);

        Assert.That(idx.Dims, Is.EqualTo(new[] { 0, 28, 28 }));
        Assert.That(idx.Payload, Is.Empty);
    }

    // ---- rejections, each naming the file ----

    [Test]
    public void Read_WrongMagic_NamesBothMagicNumbers()
    {
        string path = _temp.Write("labels", Idx.Labels([1, 2]));

        AssertRejected(path, IdxFile.ImagesMagic, "magic", "2049", "2051");
    }

    [Test]
    public void Read_WrongMagicInGzipFile_IsRejected()
    {
        string path = _temp.Write("images.gz", Idx.Gzip(Idx.Images(new byte[784], 1)));

        AssertRejected(path, IdxFile.LabelsMagic, "magic", "2051", "2049");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(7)]
    [TestCase(11)]
    [TestCase(15)]
    public void Read_TruncatedHeader_IsRejected(int length)
    {
        var full = Idx.Images(new byte[784], 1);
        string path = _temp.Write("images", full[..length]);

        AssertRejected(path, IdxFile.ImagesMagic, "truncated", "header");
    }

    [Test]
    public void Read_TruncatedGzipHeader_IsRejected()
    {
        var full = Idx.Labels([1, 2, 3]);
        string path = _temp.Write("labels.gz", Idx.Gzip(full[..6]));

        AssertRejected(path, IdxFile.LabelsMagic, "truncated", "header");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Read_TruncatedPayload_SaysHowManyBytesArrived(bool gzip)
    {
        var full = Idx.Images(Idx.RandomBytes(2 * 784, 3), 2);
        var cut = full[..(16 + 784 + 100)];
        string path = _temp.Write("images", gzip ? Idx.Gzip(cut) : cut);

        AssertRejected(path, IdxFile.ImagesMagic, "truncated", "payload", "884 of 1568");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Read_TrailingBytes_AreRejected(bool gzip)
    {
        var bytes = Idx.Labels([1, 2, 3]).Append((byte)0).ToArray();
        string path = _temp.Write("labels", gzip ? Idx.Gzip(bytes) : bytes);

        AssertRejected(path, IdxFile.LabelsMagic, "trailing");
    }

    [TestCase(0, -1)]
    [TestCase(1, int.MinValue)]
    [TestCase(2, -28)]
    public void Read_NegativeDimension_IsRejected(int dim, int value)
    {
        int[] dims = [1, 28, 28];
        dims[dim] = value;
        string path = _temp.Write("images", Idx.Plain(IdxFile.ImagesMagic, dims, new byte[784]));

        AssertRejected(path, IdxFile.ImagesMagic, "negative", value.ToString());
    }

    [TestCase(int.MaxValue, int.MaxValue, int.MaxValue)]
    [TestCase(60000, 60000, 60000)]
    [TestCase(2, 1 << 30, 28)]
    [TestCase(1 << 20, 1 << 20, 0)] // the product exceeds the limit before the zero is seen
    public void Read_HugeDimensions_FailFastWithoutAllocatingThem(int n, int rows, int cols)
    {
        string path = _temp.Write("images", Idx.Plain(IdxFile.ImagesMagic, [n, rows, cols], new byte[16]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(path, IdxFile.ImagesMagic, "exceed");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.LessThan(16L << 20), "a corrupt dimension field must not make the reader allocate the claimed size");
    }

    /// <summary>
    /// A header that claims a payload at or under the 1 GiB cap but far more than the file holds (here
    /// an 8-byte label file claiming 2^30 labels, and a 16-byte image file claiming 1 GiB of pixels) must
    /// be rejected as truncated without first allocating the claimed size: issue 7 asks for bounded memory
    /// on corrupt length fields, and a few corrupt bytes must not cost a gigabyte.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Read_DimensionsClaimingFarMoreThanTheFileHolds_DoNotAllocateTheClaim(bool gzip)
    {
        var labels = Idx.Plain(IdxFile.LabelsMagic, [1 << 30], []);
        var images = Idx.Plain(IdxFile.ImagesMagic, [1 << 20, 32, 32], []);
        string labelPath = _temp.Write("labels", gzip ? Idx.Gzip(labels) : labels);
        string imagePath = _temp.Write("images", gzip ? Idx.Gzip(images) : images);

        foreach (var (path, magic) in new[] { (labelPath, IdxFile.LabelsMagic), (imagePath, IdxFile.ImagesMagic) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            AssertRejected(path, magic, "truncated");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.LessThan(64L << 20),
                $"{Path.GetFileName(path)}: reading a {new FileInfo(path).Length}-byte file allocated {allocated} bytes");
        }
    }

    [Test]
    public void Read_GarbageThatStartsLikeGzip_IsRejected()
    {
        var garbage = new byte[] { 0x1f, 0x8b }.Concat(Idx.RandomBytes(64, 4)).ToArray();
        string path = _temp.Write("images.gz", garbage);

        AssertRejected(path, IdxFile.ImagesMagic);
    }

    [Test]
    public void Read_GzipMagicOnly_IsRejected()
    {
        string path = _temp.Write("images.gz", [0x1f, 0x8b]);

        AssertRejected(path, IdxFile.ImagesMagic);
    }

    [Test]
    public void Read_EmptyFile_IsATruncatedHeader()
    {
        string path = _temp.Write("images", []);

        AssertRejected(path, IdxFile.ImagesMagic, "truncated");
    }

    [Test]
    public void Read_MissingFile_NamesIt()
    {
        string path = _temp.File("no-such-file-idx3-ubyte.gz");

        AssertRejected(path, IdxFile.ImagesMagic);
    }

    [Test]
    public void Read_FolderInsteadOfFile_NamesIt()
    {
        string path = _temp.File("a-folder");
        Directory.CreateDirectory(path);

        AssertRejected(path, IdxFile.ImagesMagic);
    }

    // ---- mutation sweep ----

    private static readonly byte[] Masks = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF];

    /// <summary>Reads a mutated file: null when it was rejected with the library's exception, the file when it loaded.</summary>
    private static (IdxFile? File, string? Escaped) TryRead(string path, int magic)
    {
        try { return (IdxFile.Read(path, magic), null); }
        catch (ConvEngineException e)
        {
            return e.Message.Contains(path) ? (null, null) : (null, $"ConvEngineException without the file name: {e.Message}");
        }
        catch (Exception e) { return (null, $"{e.GetType().FullName}: {e.Message}"); }
    }

    /// <summary>
    /// A plain file is valid only when its own bytes say so: a successful read must return the magic,
    /// dimensions and payload that the (mutated) bytes hold, with nothing left over.
    /// </summary>
    private static string? CheckPlainResult(IdxFile idx, byte[] bytes, int magic)
    {
        if (bytes.Length < 4 || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic) return "read succeeded despite a wrong magic";
        int rank = magic & 0xff;
        if (bytes.Length < 4 + 4 * rank) return "read succeeded on a truncated header";
        var dims = Enumerable.Range(0, rank).Select(d => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d))).ToArray();
        if (!dims.SequenceEqual(idx.Dims)) return $"dims [{string.Join(", ", idx.Dims)}] but the file says [{string.Join(", ", dims)}]";
        long size = dims.Aggregate(1L, (a, d) => a * d);
        if (bytes.Length - 4 - 4 * rank != size) return $"read succeeded although the payload holds {bytes.Length - 4 - 4 * rank} bytes for {size}";
        if (!idx.Payload.AsSpan().SequenceEqual(bytes.AsSpan(4 + 4 * rank))) return "payload differs from the file's bytes";
        return null;
    }

    /// <summary>
    /// Issue 7: truncation at every byte, every bit of the header flipped, payload bytes flipped. Only
    /// <see cref="ConvEngineException"/> may come out (naming the file), a read may succeed only when the
    /// mutated bytes are themselves a valid file, and memory stays bounded by the file, not by corrupt fields.
    /// </summary>
    [Test]
    public void Mutations_OfPlainFile_GiveOnlyConvEngineExceptionsOrFaithfulReads()
    {
        var original = Idx.Images(Idx.RandomBytes(2 * 784, 5), 2);
        string path = _temp.File("images-idx3-ubyte");
        var problems = new List<string>();
        int loaded = 0;
        var (maxAllocated, worst) = (0L, "");

        void Check(string what, byte[] bytes, bool mustFail)
        {
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var (idx, escaped) = TryRead(path, IdxFile.ImagesMagic);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > maxAllocated) (maxAllocated, worst) = (allocated, what);
            if (escaped is not null) problems.Add($"{what}: {escaped}");
            else if (idx is not null)
            {
                loaded++;
                if (mustFail) problems.Add($"{what}: loaded although the file is invalid");
                else if (CheckPlainResult(idx, bytes, IdxFile.ImagesMagic) is { } bad) problems.Add($"{what}: {bad}");
            }
        }

        // Every truncation of a plain file is invalid: the header fixes the exact length.
        for (int length = 0; length < original.Length; length++) Check($"truncated to {length}", original[..length], mustFail: true);

        // Every bit (and whole-byte) flip in the 16-byte header.
        for (int at = 0; at < 16; at++)
            foreach (byte mask in Masks)
            {
                var bytes = (byte[])original.Clone();
                bytes[at] ^= mask;
                Check($"header byte {at} ^ 0x{mask:x2}", bytes, mustFail: false);
            }

        // Flips in the payload leave a valid file with different pixels.
        foreach (int at in new[] { 16, 17, 16 + 784, original.Length - 1 })
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0xFF;
            Check($"payload byte {at} ^ 0xff", bytes, mustFail: false);
        }

        // Extra bytes after the payload.
        Check("one trailing byte", [.. original, 0], mustFail: true);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)));
            Assert.That(loaded, Is.EqualTo(4), "exactly the four payload flips load");
            Assert.That(maxAllocated, Is.LessThan(64L << 20), $"bounded memory: the worst mutant ({worst}) of a {original.Length}-byte file allocated {maxAllocated} bytes");
        });
    }

    /// <summary>
    /// Issue 7, for gzip files: truncation at every byte, bit and byte flips at every byte of the compressed
    /// file, and damaged IDX headers inside valid gzip. Only <see cref="ConvEngineException"/> may come out,
    /// a successful read must hold exactly the original content, and memory stays bounded.
    /// </summary>
    [Test]
    public void Mutations_OfGzipFile_GiveOnlyConvEngineExceptionsOrTheOriginalContent()
    {
        // Mostly zero pixels keep the compressed file small (a couple of hundred bytes), so every byte can be mutated.
        var pixels = new byte[2 * 784];
        Idx.RandomBytes(120, 6).CopyTo(pixels, 300);
        var plain = Idx.Images(pixels, 2);
        var original = Idx.Gzip(plain);
        Assert.That(original.Length, Is.LessThan(400), "test setup: small compressed file");
        string path = _temp.File("images-idx3-ubyte.gz");
        var problems = new List<string>();
        int loaded = 0;
        var (maxAllocated, worst) = (0L, "");

        void Check(string what, byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var (idx, escaped) = TryRead(path, IdxFile.ImagesMagic);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > maxAllocated) (maxAllocated, worst) = (allocated, what);
            if (escaped is not null) problems.Add($"{what}: {escaped}");
            else if (idx is not null)
            {
                // A mutated gzip file that still reads must still hold exactly the original content (gzip's CRC and
                // the exact-length check must catch everything else); a mutation of gzip's header fields such as
                // its timestamp legitimately leaves the content intact.
                loaded++;
                if (!idx.Dims.SequenceEqual(new[] { 2, 28, 28 }) || !idx.Payload.AsSpan().SequenceEqual(pixels))
                    problems.Add($"{what}: loaded with different content (dims [{string.Join(", ", idx.Dims)}])");
            }
        }

        for (int length = 0; length < original.Length; length++) Check($"truncated to {length}", original[..length]);
        for (int at = 0; at < original.Length; at++)
            foreach (byte mask in new byte[] { 0x01, 0x10, 0x80, 0xFF })
            {
                var bytes = (byte[])original.Clone();
                bytes[at] ^= mask;
                Check($"byte {at} ^ 0x{mask:x2}", bytes);
            }

        // Header mutations inside the compressed stream: a gzip file whose IDX header is damaged.
        for (int at = 0; at < 16; at++)
            foreach (byte mask in Masks)
            {
                var inner = (byte[])plain.Clone();
                inner[at] ^= mask;
                Check($"IDX header byte {at} ^ 0x{mask:x2} inside gzip", Idx.Gzip(inner));
            }
        for (int length = 0; length < plain.Length; length += 97)
            Check($"IDX truncated to {length} inside gzip", Idx.Gzip(plain[..length]));

        TestContext.Out.WriteLine($"{loaded} gzip mutations still held the original content");
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)));
            Assert.That(maxAllocated, Is.LessThan(64L << 20), $"bounded memory: the worst mutant ({worst}) allocated {maxAllocated} bytes");
        });
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ConvEngine.Nn;
using ConvEngine.Serialization;
using ConvEngine.Tests.DataTests;

namespace ConvEngine.Tests.SerializationTests;

/// <summary>
/// The safetensors writer and strict reader (issue 3, checkpoints; issue 7, Files): round trips, the byte
/// layout of the published spec, every spec violation a one-line <see cref="ConvEngineException"/> naming
/// the file, and a mutation sweep over a valid checkpoint that lets nothing else out.
/// </summary>
[TestFixture]
public class SafeTensorsTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    /// <summary>LeNet-like names: 0.weight (2,1,3,3), 0.bias (2), 3.weight (3,8), 3.bias (3).</summary>
    private static Sequential SmallModel(ulong seed) =>
        new(new Conv2d(1, 2, 3, generator: new Generator(seed)), new ReLU(), new Flatten(), new Linear(8, 3, generator: new Generator(seed + 1)));

    /// <summary>A safetensors image from a header text (not padded unless the text is) and a data section.</summary>
    private static byte[] Image(string header, byte[] data, ulong? lengthField = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return Image(json, data, lengthField);
    }

    private static byte[] Image(byte[] header, byte[] data, ulong? lengthField = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthField ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private ConvEngineException AssertRejected(byte[] file, params string[] fragments)
    {
        string path = _temp.Write("model.safetensors", file);
        var e = Assert.Throws<ConvEngineException>(() => SafeTensors.Load(path))!;
        Assert.That(e.Message, Does.Contain(path), "the message must name the file");
        foreach (var fragment in fragments) Assert.That(e.Message, Does.Contain(fragment).IgnoreCase);
        Assert.That(e.Message, Does.Not.Contain('\n'), "one line");
        return e;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    // ---- round trips ----

    [Test]
    public void SaveLoad_StateDict_RoundTripsNamesShapesValuesOrderAndMetadata()
    {
        var model = SmallModel(7);
        var state = model.StateDict();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "ünïcødé, \"quoted\"\n" };
        string path = _temp.File("model.safetensors");

        SafeTensors.Save(path, state, metadata);
        var loaded = SafeTensors.Load(path);

        Assert.That(loaded.Tensors.Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }));
        foreach (var (name, tensor) in state)
        {
            Assert.That(loaded.Tensors[name].Shape, Is.EqualTo(tensor.Shape), name);
            Assert.That(Bits(loaded.Tensors[name].ToArray()), Is.EqualTo(Bits(tensor.ToArray())), name);
        }
        Assert.That(loaded.Metadata, Is.EquivalentTo(metadata));

        var other = SmallModel(99);
        other.LoadStateDict(loaded.Tensors);
        foreach (var (name, tensor) in other.StateDict())
            Assert.That(tensor.ToArray(), Is.EqualTo(state[name].ToArray()), name);
    }

    [Test]
    public void SaveLoad_ScalarsEmptyTensorsAndSpecialValues_RoundTripBitExactly()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("scalar", Tensor.Scalar(3.5f)),
            new("empty", Tensor.FromArray([], 2, 0)),
            new("special", Tensor.FromArray([float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, float.MinValue, 1e-40f])),
            new("after", Tensor.FromArray([1f, 2f], 1, 2)),
            new("scalar0", Tensor.Scalar(0f)),
        };
        string path = _temp.File("special.safetensors");

        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);

        Assert.That(loaded.Tensors.Keys, Is.EqualTo(tensors.Select(t => t.Key)));
        Assert.That(loaded.Tensors["scalar"].Shape.Count, Is.Zero, "0-d stays 0-d");
        Assert.That(loaded.Tensors["scalar"].Item(), Is.EqualTo(3.5f));
        Assert.That(loaded.Tensors["empty"].Shape.ToArray(), Is.EqualTo(new[] { 2, 0 }));
        foreach (var (name, tensor) in tensors)
        {
            Assert.That(loaded.Tensors[name].Shape, Is.EqualTo(tensor.Shape), name);
            Assert.That(Bits(loaded.Tensors[name].ToArray()), Is.EqualTo(Bits(tensor.ToArray())), name);
        }
        Assert.That(loaded.Metadata, Is.Empty);
    }

    [Test]
    public void SaveLoad_NoTensors_IsAnEmptyHeader()
    {
        string path = _temp.File("empty.safetensors");

        SafeTensors.Save(path, []);

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(Image("{}      ", [])));
        Assert.That(SafeTensors.Load(path).Tensors, Is.Empty);
    }

    [Test]
    public void Save_NonContiguousView_StoresItsLogicalRowMajorOrder()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).T(); // (3, 2): [[1,4],[2,5],[3,6]]
        string path = _temp.File("view.safetensors");

        SafeTensors.Save(path, [new("t", x)]);
        var loaded = SafeTensors.Load(path).Tensors["t"];

        Assert.That(loaded.Shape.ToArray(), Is.EqualTo(new[] { 3, 2 }));
        Assert.That(loaded.ToArray(), Is.EqualTo(new[] { 1f, 4f, 2f, 5f, 3f, 6f }));
    }

    [Test]
    public void Save_ReservedOrRepeatedName_IsRejected()
    {
        string path = _temp.File("bad.safetensors");
        var t = Tensor.FromArray([1f]);

        var reserved = Assert.Throws<ConvEngineException>(() => SafeTensors.Save(path, [new("__metadata__", t)]))!;
        var repeated = Assert.Throws<ConvEngineException>(() => SafeTensors.Save(path, [new("a", t), new("a", t)]))!;

        Assert.That(reserved.Message, Does.Contain(path).And.Contain("__metadata__"));
        Assert.That(repeated.Message, Does.Contain(path).And.Contain("'a'"));
        Assert.That(File.Exists(path), Is.False);
    }

    // ---- the layout of the spec ----

    [Test]
    public void Save_SingleTensor_IsByteForByteTheSpecsLayout()
    {
        string path = _temp.File("w.safetensors");

        SafeTensors.Save(path, [new("w", Tensor.FromArray([1f, -2f]))]);

        const string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"; // 54 bytes → padded to 56
        byte[] expected =
        [
            56, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json + "  "),
            0x00, 0x00, 0x80, 0x3F, // 1.0f little-endian
            0x00, 0x00, 0x00, 0xC0, // -2.0f little-endian
        ];
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected));
    }

    [Test]
    public void Save_Layout_LengthPaddingDtypeOffsetsAndDataFollowTheSpec()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("conv.weight", Tensor.FromArray([0.5f, -1.25f, 3f, 1e-3f, -7f, 8.5f], 1, 2, 3)),
            new("conv.bias", Tensor.FromArray([42f])),
            new("scale", Tensor.Scalar(-0.75f)),
            new("fc.weight", Tensor.FromArray(Enumerable.Range(0, 12).Select(i => i * 0.1f - 0.4f).ToArray(), 3, 4)),
        };
        string path = _temp.File("layout.safetensors");

        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.Zero, "header padded to a multiple of 8");
        Assert.That(n, Is.LessThanOrEqualTo((ulong)bytes.Length - 8));
        var header = bytes.AsSpan(8, (int)n);
        Assert.That((char)header[0], Is.EqualTo('{'), "the header begins with '{'");
        int close = header.LastIndexOf((byte)'}');
        Assert.That(header[(close + 1)..].ToArray(), Has.All.EqualTo((byte)' '), "padding is spaces (0x20) only");
        Assert.That(n - (ulong)(close + 1), Is.LessThan(8UL), "no more padding than needed");

        using var doc = JsonDocument.Parse(header[..(close + 1)].ToArray());
        var properties = doc.RootElement.EnumerateObject().ToList();
        Assert.That(properties.Select(p => p.Name), Is.EqualTo(new[] { "__metadata__", "conv.weight", "conv.bias", "scale", "fc.weight" }));
        Assert.That(properties[0].Value.GetProperty("format").GetString(), Is.EqualTo("pt"));

        var data = bytes.AsSpan(8 + (int)n);
        long expectedBegin = 0;
        foreach (var (p, (name, tensor)) in properties.Skip(1).Zip(tensors))
        {
            Assert.That(p.Value.EnumerateObject().Select(q => q.Name), Is.EquivalentTo(new[] { "dtype", "shape", "data_offsets" }), name);
            Assert.That(p.Value.GetProperty("dtype").GetString(), Is.EqualTo("F32"), name);
            Assert.That(p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(tensor.Shape.ToArray()), name);
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.That(offsets, Is.EqualTo(new[] { expectedBegin, expectedBegin + 4L * tensor.Numel }), $"{name}: contiguous from 0 in save order");
            Assert.That(data.Slice((int)offsets[0], (int)(offsets[1] - offsets[0])).ToArray(), Is.EqualTo(Floats(tensor.ToArray())), $"{name}: F32 little-endian, row-major");
            expectedBegin = offsets[1];
        }
        Assert.That(data.Length, Is.EqualTo(expectedBegin), "the data section is exactly the tensors");
    }

    // ---- reading valid files that ConvEngine does not write itself ----

    [Test]
    public void Load_EntriesListedOutOfOffsetOrder_LoadInHeaderOrder()
    {
        string header = "{" + Entry("b", "F32", "[1]", 4, 8) + "," + Entry("a", "F32", "[1]", 0, 4) + "}";
        string path = _temp.Write("m.safetensors", Image(header, Floats(10f, 20f)));

        var loaded = SafeTensors.Load(path);

        Assert.That(loaded.Tensors.Keys, Is.EqualTo(new[] { "b", "a" }));
        Assert.That(loaded.Tensors["a"].ToArray(), Is.EqualTo(new[] { 10f }));
        Assert.That(loaded.Tensors["b"].ToArray(), Is.EqualTo(new[] { 20f }));
    }

    [Test]
    public void Load_UnpaddedHeaderAndZeroSizeTensorsAnywhere_AreValid()
    {
        string header = "{" + Entry("z1", "F32", "[0]", 0, 0) + "," + Entry("a", "F32", "[2]", 0, 8) + ","
            + Entry("z2", "F32", "[3,0]", 8, 8) + "," + Entry("z3", "F32", "[0]", 8, 8) + "}";
        string path = _temp.Write("m.safetensors", Image(header, Floats(1f, 2f)));

        var loaded = SafeTensors.Load(path);

        Assert.That(loaded.Tensors.Keys, Is.EqualTo(new[] { "z1", "a", "z2", "z3" }));
        Assert.That(loaded.Tensors["a"].ToArray(), Is.EqualTo(new[] { 1f, 2f }));
        Assert.That(loaded.Tensors["z2"].Shape.ToArray(), Is.EqualTo(new[] { 3, 0 }));
    }

    // ---- strict reading: every violation a ConvEngineException naming the file ----

    [Test]
    public void Load_ZeroSizeTensorPlacedInsideAnotherTensorsRange_IsRejected()
    {
        // As the reference implementation: sorted by offsets, every range must start where the previous one ended.
        string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("z", "F32", "[0]", 4, 4) + "}";

        AssertRejected(Image(header, Floats(1f, 2f)), "'z'");
    }


    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    public void Load_FileShorterThan8Bytes_IsRejected(int length) =>
        AssertRejected(new byte[length], "too short");

    [Test]
    public void Load_HeaderLengthBeyondTheFile_IsRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "}";
        var file = Image(header, Floats(1f), lengthField: (ulong)header.Length + 5);

        AssertRejected(file, "header length", "past the end");
    }

    [TestCase(100_000_001UL)]
    [TestCase(1UL << 32)]
    [TestCase(1UL << 63)]
    [TestCase(ulong.MaxValue)]
    public void Load_HeaderLengthOver100MB_IsRejected(ulong length)
    {
        var file = Image("{}", [], lengthField: length);

        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(file, "header length", "limit");
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16L << 20));
    }

    [Test]
    public void Load_HeaderOfExactly100MBLengthButShortFile_IsRejectedAsPastTheEnd() =>
        AssertRejected(Image("{}", [], lengthField: 100_000_000), "past the end");

    [Test]
    public void Load_InvalidUtf8_IsRejected()
    {
        var header = Encoding.UTF8.GetBytes("{" + Entry("a", "F32", "[1]", 0, 4) + "}");
        header[2] = 0xFF; // inside the name "a"

        AssertRejected(Image(header, Floats(1f)), "UTF-8");
    }

    [Test]
    public void Load_OverlongUtf8Encoding_IsRejected()
    {
        // 0xC1 0xA1 is an overlong encoding of 'a'; strict UTF-8 forbids it.
        var header = Encoding.UTF8.GetBytes("{" + Entry("xx", "F32", "[1]", 0, 4) + "}");
        header[2] = 0xC1;
        header[3] = 0xA1;

        AssertRejected(Image(header, Floats(1f)), "UTF-8");
    }

    [TestCase("{\"a\":")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}")]
    [TestCase("{'a':{}}")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x")]
    [TestCase("")]
    [TestCase("        ")]
    public void Load_InvalidJson_IsRejected(string header) =>
        AssertRejected(Image(header, Floats(1f)), "JSON");

    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("42")]
    [TestCase("\"{}\"")]
    [TestCase("true")]
    public void Load_HeaderThatIsNotAnObject_IsRejected(string header) =>
        AssertRejected(Image(header, []), "not a JSON object");

    [TestCase("F33")]
    [TestCase("f32")]
    [TestCase("float32")]
    [TestCase("")]
    public void Load_UnknownDtype_IsRejected(string dtype) =>
        AssertRejected(Image("{" + Entry("a", dtype, "[1]", 0, 4) + "}", Floats(1f)), "unknown dtype", $"'{dtype}'");

    [TestCase("F16", 2)]
    [TestCase("BF16", 2)]
    [TestCase("F64", 8)]
    [TestCase("I64", 8)]
    [TestCase("U8", 1)]
    [TestCase("BOOL", 1)]
    public void Load_KnownDtypeOtherThanF32_SaysItLoadsOnlyF32(string dtype, int size)
    {
        string header = "{" + Entry("w", dtype, "[2]", 0, 2 * size) + "}";

        AssertRejected(Image(header, new byte[2 * size]), "loads only F32", dtype, "'w'");
    }

    [TestCase("[3]", 0, 8)]
    [TestCase("[2,2]", 0, 8)]
    [TestCase("[]", 0, 8)]
    [TestCase("[1]", 0, 8)]
    [TestCase("[0]", 0, 8)]
    public void Load_ShapeTimesElementSizeNotTheByteRange_IsRejected(string shape, int begin, int end) =>
        AssertRejected(Image("{" + Entry("a", "F32", shape, begin, end) + "}", new byte[8]), "'a'", "needs", "span");

    [Test]
    public void Load_RangesNotStartingAt0_AreRejected() =>
        AssertRejected(Image("{" + Entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "gap", "'a'");

    [Test]
    public void Load_GapBetweenTensors_IsRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}";

        AssertRejected(Image(header, new byte[12]), "gap", "'b'");
    }

    [Test]
    public void Load_OverlappingTensors_AreRejected()
    {
        string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}";

        AssertRejected(Image(header, new byte[12]), "overlaps");
    }

    [Test]
    public void Load_TwoTensorsOnTheSameRange_AreRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 0, 4) + "}";

        AssertRejected(Image(header, new byte[4]), "overlaps");
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(1000)]
    public void Load_TrailingDataNotCoveredByAnyTensor_IsRejected(int extra) =>
        AssertRejected(Image("{" + Entry("a", "F32", "[1]", 0, 4) + "}", new byte[4 + extra]), "cover", $"{4 + extra}");

    [Test]
    public void Load_DataSectionShorterThanTheTensors_IsRejected() =>
        AssertRejected(Image("{" + Entry("a", "F32", "[4]", 0, 16) + "}", new byte[12]), "cover");

    [Test]
    public void Load_DataWithoutAnyTensor_IsRejected() =>
        AssertRejected(Image("{}", new byte[4]), "cover");

    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}")]
    public void Load_ExtraKeysInAnEntry_AreRejected(string entry) =>
        AssertRejected(Image("{" + entry + "}", new byte[4]), "keys other than");

    [TestCase("\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}", "dtype")]
    [TestCase("\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}", "dtype")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[4294967297],\"data_offsets\":[0,4]}", "shape")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}", "too large")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1e30]}", "data_offsets")]
    [TestCase("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}", "data_offsets")]
    [TestCase("\"a\":[1,2]", "not an object")]
    [TestCase("\"a\":null", "not an object")]
    [TestCase("\"__metadata__\":[]", "__metadata__")]
    [TestCase("\"__metadata__\":{\"epoch\":3}", "__metadata__")]
    [TestCase("\"__metadata__\":{\"nested\":{}}", "__metadata__")]
    public void Load_MalformedEntry_IsRejected(string entry, string what) =>
        AssertRejected(Image("{" + entry + "}", new byte[4]), what);

    [Test]
    public void Load_MissingFile_NamesIt()
    {
        string path = _temp.File("missing.safetensors");

        var e = Assert.Throws<ConvEngineException>(() => SafeTensors.Load(path))!;

        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void Load_FolderInsteadOfFile_NamesIt()
    {
        string path = _temp.File("checkpoint.safetensors");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<ConvEngineException>(() => SafeTensors.Load(path))!;

        Assert.That(e.Message, Does.Contain(path));
    }

    /// <summary>The spec: "Duplicate keys are disallowed." A repeated tensor name must be the library's own error.</summary>
    [Test]
    public void Load_DuplicateTensorName_IsRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("a", "F32", "[1]", 4, 8) + "}";

        AssertRejected(Image(header, Floats(1f, 2f)), "'a'");
    }

    [Test]
    public void Load_DuplicateTensorNameSpelledWithAnEscape_IsRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("\\u0061", "F32", "[1]", 4, 8) + "}";

        AssertRejected(Image(header, Floats(1f, 2f)));
    }

    [Test]
    public void Load_DuplicateMetadataKey_IsRejected()
    {
        string header = "{\"__metadata__\":{\"format\":\"pt\",\"format\":\"np\"}," + Entry("a", "F32", "[1]", 0, 4) + "}";

        AssertRejected(Image(header, Floats(1f)), "format");
    }

    [Test]
    public void Load_DuplicateMetadataSection_IsRejected()
    {
        string header = "{\"__metadata__\":{}," + Entry("a", "F32", "[1]", 0, 4) + ",\"__metadata__\":{}}";

        AssertRejected(Image(header, Floats(1f)), "__metadata__");
    }

    /// <summary>The spec: "The header data MUST begin with a { character (0x7B)."</summary>
    [TestCase(" ")]
    [TestCase("\n")]
    [TestCase("\t")]
    public void Load_HeaderNotBeginningWithBrace_IsRejected(string lead) =>
        AssertRejected(Image(lead + "{" + Entry("a", "F32", "[1]", 0, 4) + "}", Floats(1f)));

    // ---- mutation sweep ----

    /// <summary>
    /// Checks a successful load against the file's own bytes, independently of the reader: every entry of
    /// the (mutated) header must come back with its shape and the F32 values at its data_offsets.
    /// </summary>
    private static string? CheckFaithful(SafeTensors.Contents contents, byte[] bytes)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = bytes.AsSpan(8, (int)n).ToArray();
        var data = bytes.AsSpan(8 + (int)n).ToArray();
        using var doc = JsonDocument.Parse(header);
        var names = new List<string>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (names.Contains(p.Name)) return $"loaded despite the duplicate key '{p.Name}'";
            names.Add(p.Name);
            if (p.Name == "__metadata__")
            {
                foreach (var m in p.Value.EnumerateObject())
                    if (!contents.Metadata.TryGetValue(m.Name, out var v) || v != m.Value.GetString()) return $"metadata '{m.Name}' differs";
                continue;
            }
            if (!contents.Tensors.TryGetValue(p.Name, out var t)) return $"tensor '{p.Name}' of the header is missing";
            if (p.Value.GetProperty("dtype").GetString() != "F32") return $"tensor '{p.Name}' loaded with a non-F32 dtype";
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            if (!shape.SequenceEqual(t.Shape.ToArray())) return $"tensor '{p.Name}' has shape {t.Shape}, the header says [{string.Join(", ", shape)}]";
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var expected = Floats(t.ToArray());
            if (!data.AsSpan(offsets[0], offsets[1] - offsets[0]).SequenceEqual(expected)) return $"tensor '{p.Name}' values differ from its bytes";
        }
        int tensorCount = names.Count(x => x != "__metadata__");
        return contents.Tensors.Count == tensorCount ? null : $"{contents.Tensors.Count} tensors loaded, the header lists {tensorCount}";
    }

    [Test]
    public void Mutations_OfAValidCheckpoint_GiveOnlyConvEngineExceptionsOrFaithfulLoads()
    {
        // Names 0.weight, 0.bias, 2.weight, 2.bias, a scalar and an empty tensor, plus metadata.
        var model = new Sequential(new Linear(3, 2, generator: new Generator(1)), new ReLU(), new Linear(2, 2, generator: new Generator(2)));
        var tensors = model.StateDict().ToList();
        tensors.Add(new("step", Tensor.Scalar(12f)));
        tensors.Add(new("none", Tensor.FromArray([], 0)));
        string original = _temp.File("original.safetensors");
        SafeTensors.Save(original, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var valid = File.ReadAllBytes(original);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        int dataStart = 8 + n;

        var problems = new List<string>();
        int faithful = 0;
        long maxAllocated = 0;
        void Check(string what, byte[] bytes)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            SafeTensors.Contents contents;
            try
            {
                contents = SafeTensors.Parse(bytes, "mutant.safetensors");
            }
            catch (ConvEngineException e)
            {
                if (!e.Message.Contains("mutant.safetensors")) problems.Add($"{what}: message does not name the file: {e.Message}");
                if (e.Message.Contains('\n')) problems.Add($"{what}: message is not one line: {e.Message}");
                return;
            }
            catch (Exception e)
            {
                problems.Add($"{what}: {e.GetType().FullName}: {e.Message}");
                return;
            }
            finally
            {
                maxAllocated = Math.Max(maxAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            string? bad;
            try { bad = CheckFaithful(contents, bytes); }
            catch (Exception e) { bad = $"loaded a file that is not valid JSON per System.Text.Json ({e.GetType().Name}: {e.Message})"; }
            if (bad is not null) problems.Add($"{what}: {bad}");
            else faithful++;
        }

        // Truncation at every byte up to the end of the header, and around every tensor boundary.
        for (int length = 0; length <= dataStart; length++) Check($"truncated to {length}", valid[..length]);
        long offset = 0;
        foreach (var (_, t) in tensors)
        {
            offset += 4L * t.Numel;
            foreach (long cut in new[] { dataStart + offset - 1, dataStart + offset, dataStart + offset + 1 })
                if (cut >= 0 && cut < valid.Length) Check($"truncated to {cut} (tensor boundary)", valid[..(int)cut]);
        }
        Check("one byte appended", [.. valid, 0]);

        // Flipped bits and bytes everywhere in the header.
        for (int at = 8; at < dataStart; at++)
            foreach (byte mask in new byte[] { 0x01, 0x02, 0x20, 0x80, 0xFF })
            {
                var bytes = (byte[])valid.Clone();
                bytes[at] ^= mask;
                Check($"header byte {at} ('{(char)valid[at]}') ^ 0x{mask:x2}", bytes);
            }

        // Corrupted length fields: every byte flipped, and chosen values.
        for (int at = 0; at < 8; at++)
            foreach (byte mask in new byte[] { 0x01, 0x08, 0x80, 0xFF })
            {
                var bytes = (byte[])valid.Clone();
                bytes[at] ^= mask;
                Check($"length byte {at} ^ 0x{mask:x2}", bytes);
            }
        foreach (ulong length in new ulong[] { 0, 1, 2, 7, (ulong)n - 8, (ulong)n - 1, (ulong)n + 1, (ulong)n + 4, (ulong)n + 8,
                     (ulong)valid.Length - 8, (ulong)valid.Length - 7, (ulong)valid.Length, 100_000_000, 100_000_001,
                     int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue })
        {
            var bytes = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            Check($"length field {length}", bytes);
        }

        // Flipped bytes in the data: still valid files, with other values.
        int faithfulBefore = faithful;
        for (int at = dataStart; at < valid.Length; at += 5)
        {
            var bytes = (byte[])valid.Clone();
            bytes[at] ^= 0xFF;
            Check($"data byte {at} ^ 0xff", bytes);
        }

        Assert.That(problems, Is.Empty, $"{problems.Count} mutants misbehaved:\n" + string.Join("\n", problems.Take(25)));
        Assert.That(faithful - faithfulBefore, Is.EqualTo((valid.Length - dataStart + 4) / 5), "every data-byte mutant loads");
        Assert.That(maxAllocated, Is.LessThan(64L << 20), "memory stays bounded by the file, not by corrupt fields");
    }
}

using System.Diagnostics;
using System.Text.Json;
using ConvEngine.Nn;
using ConvEngine.Serialization;
using ConvEngine.Tests.DataTests;

namespace ConvEngine.Tests.SerializationTests;

/// <summary>
/// PyTorch interop (issue 3): a checkpoint written by ConvEngine is read by a ~20-line numpy reader of the
/// published safetensors spec (Debian ships no <c>safetensors</c> package), matches ConvEngine's values
/// exactly, loads into the same PyTorch <c>Sequential</c> with a strict <c>load_state_dict</c>, and gives
/// the same forward output. Skipped, with the reason, where python3 with torch and numpy is absent.
/// </summary>
[TestFixture]
public class SafeTensorsPyTorchTests
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, struct, sys
        try:
            import torch, numpy as np
        except ImportError as e:  # the same condition as `python3 -c 'import torch, numpy'` failing
            print('SKIP', e)
            sys.exit(3)

        def read_safetensors(path):  # the published spec, strictly
            raw = open(path, 'rb').read()
            (n,) = struct.unpack('<Q', raw[:8])
            assert 8 + n <= len(raw) and n % 8 == 0, 'header length'
            text = raw[8:8 + n].decode('utf-8')
            assert text.startswith('{') and text.rstrip(' ').endswith('}'), 'header start/padding'
            pairs = json.loads(text, object_pairs_hook=lambda kv: kv)
            assert len({k for k, _ in pairs}) == len(pairs), 'duplicate keys'
            header = dict(pairs)
            meta = dict(header.pop('__metadata__', []))
            data = raw[8 + n:]
            tensors, pos = {}, 0
            for name, info in sorted(header.items(), key=lambda kv: tuple(dict(kv[1])['data_offsets'])):
                info = dict(info)
                begin, end = info['data_offsets']
                assert info['dtype'] == 'F32' and begin == pos and set(info) == {'dtype', 'shape', 'data_offsets'}, name
                tensors[name] = np.frombuffer(data[begin:end], dtype='<f4').reshape(info['shape'])
                pos = end
            assert pos == len(data), 'data not covered exactly'
            return [k for k, _ in pairs if k != '__metadata__'], tensors, meta

        path, expected_path = sys.argv[1], sys.argv[2]
        expected = json.load(open(expected_path))
        order, tensors, meta = read_safetensors(path)
        assert order == expected['order'], (order, expected['order'])
        assert meta == expected['metadata'], meta
        for name, want in expected['tensors'].items():
            got = tensors[name]
            assert list(got.shape) == want['shape'], (name, got.shape, want['shape'])
            assert np.array_equal(got.reshape(-1).view(np.uint32), np.array(want['bits'], dtype=np.uint32)), name

        torch.set_num_threads(1)
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 3))
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, strict=True)
        x = torch.tensor(expected['input'], dtype=torch.float32).reshape(1, 1, 4, 4)
        with torch.no_grad():
            y = model(x).reshape(-1).numpy()
        want = np.array(expected['output'], dtype=np.float32)
        assert np.allclose(y, want, rtol=1e-5, atol=1e-6), (y, want)
        print('OK')
        """;

    private static (int ExitCode, string Output) RunPython(TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"python3 did not finish within {limit.TotalSeconds} s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Test]
    public void SavedStateDict_ReadsWithANumpySpecReader_AndLoadsIntoTheSamePyTorchSequential()
    {
        if (!File.Exists(Python)) Assert.Ignore($"{Python} is absent");

        var model = new Sequential(new Conv2d(1, 2, 3, generator: new Generator(5)), new ReLU(), new Flatten(), new Linear(8, 3, generator: new Generator(6)));
        var state = model.StateDict();
        var input = Enumerable.Range(0, 16).Select(i => MathF.Sin(i * 0.7f)).ToArray();
        var output = model.Forward(Tensor.FromArray(input, 1, 1, 4, 4)).ToArray();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["variant"] = "test" };

        using var temp = new TempFolder();
        string checkpoint = temp.File("model.safetensors");
        SafeTensors.Save(checkpoint, state, metadata);
        var expected = new
        {
            order = state.Keys.ToArray(),
            metadata,
            tensors = state.ToDictionary(kv => kv.Key, kv => new { shape = kv.Value.Shape.ToArray(), bits = kv.Value.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray() }),
            input,
            output,
        };
        string expectedPath = temp.File("expected.json");
        File.WriteAllText(expectedPath, JsonSerializer.Serialize(expected));
        string scriptPath = temp.File("check.py");
        File.WriteAllText(scriptPath, Script);

        // The script imports torch and numpy first and exits with 3 when that fails, so one interpreter
        // start (torch's import is most of the time) serves as both the availability probe and the check.
        var (code, text) = RunPython(TimeSpan.FromSeconds(120), scriptPath, checkpoint, expectedPath);
        if (code == 3 && text.StartsWith("SKIP", StringComparison.Ordinal))
            Assert.Ignore($"python3 cannot import torch and numpy: {text.Trim()}");

        Assert.That(code, Is.Zero, text);
        Assert.That(text.Trim(), Is.EqualTo("OK"));
    }
}

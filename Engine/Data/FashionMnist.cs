using System.Security.Cryptography;

namespace ConvEngine.Data;

/// <summary>
/// Fashion-MNIST (Zalando): 60,000 training and 10,000 test images, 28×28 grayscale, 10 classes.
/// <see cref="Load"/> finds the four IDX files (gzip or plain) in this order: an explicit folder,
/// the <c>CONVENGINE_DATA</c> folder, <c>~/.convengine/datasets/fashion-mnist</c>, Debian's
/// <c>/usr/share/datasets/fashion-mnist</c> (package <c>dataset-fashion-mnist</c>), and otherwise
/// downloads them from the dataset's official location into the home folder, checking their MD5.
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Class names by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The environment variable naming a folder with the four files.</summary>
    public const string EnvironmentVariable = "CONVENGINE_DATA";

    /// <summary>Debian's package folder.</summary>
    public const string SystemFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The dataset's official download location.</summary>
    public const string OfficialUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>The four files with the MD5 of their official .gz downloads.</summary>
    public static readonly IReadOnlyDictionary<string, string> OfficialMd5 = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        ["train-labels-idx1-ubyte"] = "25c81989df183df01b3e8a0aad5dffbe",
        ["t10k-images-idx3-ubyte"] = "bef4ecab320f06d8554ea6380940ec79",
        ["t10k-labels-idx1-ubyte"] = "bb300cfdad3c16e7a12a480ee83cd310",
    };

    private FashionMnist(ImageDataset train, ImageDataset test, string folder) => (Train, Test, Folder) = (train, test, folder);

    /// <summary>The 60,000 training images.</summary>
    public ImageDataset Train { get; }

    /// <summary>The 10,000 test images.</summary>
    public ImageDataset Test { get; }

    /// <summary>The folder the files were read from.</summary>
    public string Folder { get; }

    /// <summary>The per-user download folder, <c>~/.convengine/datasets/fashion-mnist</c>.</summary>
    public static string HomeFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".convengine", "datasets", "fashion-mnist");

    /// <summary>
    /// Finds (or downloads) and reads the dataset. An explicit <paramref name="folder"/> must hold the
    /// files. <paramref name="download"/> replaces the official source (tests use a local server);
    /// <paramref name="log"/> hears where the data came from.
    /// </summary>
    public static FashionMnist Load(string? folder = null, DatasetDownload? download = null, TextWriter? log = null)
    {
        if (folder is not null)
        {
            if (!HasFiles(folder))
                throw new ConvEngineException($"Fashion-MNIST not found in {folder}: expected {string.Join(", ", OfficialMd5.Keys.Select(k => k + ".gz"))}");
            return Read(folder);
        }
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env) candidates.Add(env);
        candidates.Add(HomeFolder);
        candidates.Add(SystemFolder);
        foreach (var candidate in candidates)
            if (HasFiles(candidate)) return Read(candidate);

        download ??= new DatasetDownload(OfficialUrl, OfficialMd5);
        try
        {
            log?.WriteLine($"Fashion-MNIST not found locally; downloading from {download.BaseUrl} into {HomeFolder}");
            download.FetchInto(HomeFolder);
        }
        catch (ConvEngineException e)
        {
            throw new ConvEngineException(
                $"Fashion-MNIST not found (looked in {string.Join(", ", candidates)}) and the download failed ({e.Message}); "
                + $"install it with `apt-get install dataset-fashion-mnist` or set {EnvironmentVariable} to a folder with the four .gz files", e);
        }
        return Read(HomeFolder);
    }

    private static bool HasFiles(string folder) => OfficialMd5.Keys.All(name => Locate(folder, name) is not null);

    private static string? Locate(string folder, string name) =>
        new[] { name + ".gz", name }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);

    private static FashionMnist Read(string folder)
    {
        ImageDataset Split(string prefix)
        {
            var images = IdxFile.Read(Locate(folder, prefix + "-images-idx3-ubyte")!, IdxFile.ImagesMagic);
            var labels = IdxFile.Read(Locate(folder, prefix + "-labels-idx1-ubyte")!, IdxFile.LabelsMagic);
            if (images.Dims.Length != 3 || images.Dims[1] != 28 || images.Dims[2] != 28)
                throw new ConvEngineException($"{images.Path}: expected 28x28 images, but the file holds [{string.Join(", ", images.Dims)}]");
            if (images.Dims[0] != labels.Dims[0])
                throw new ConvEngineException($"{labels.Path}: {labels.Dims[0]} labels for {images.Dims[0]} images in {images.Path}");
            int bad = Array.FindIndex(labels.Payload, l => l > 9);
            if (bad >= 0) throw new ConvEngineException($"{labels.Path}: label {labels.Payload[bad]} at index {bad} is outside 0-9");
            return new ImageDataset(images.Payload, labels.Payload, 28, 28);
        }
        return new FashionMnist(Split("train"), Split("t10k"), folder);
    }
}

/// <summary>Downloads named .gz files from a base URL and checks each one's MD5 before keeping it.</summary>
public sealed class DatasetDownload(string baseUrl, IReadOnlyDictionary<string, string> md5ByName)
{
    /// <summary>The URL the file names are appended to.</summary>
    public string BaseUrl { get; } = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    /// <summary>Fetches every file into <paramref name="folder"/>; a file is renamed into place only after its MD5 matches.</summary>
    public void FetchInto(string folder)
    {
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConvEngineException($"{folder}: cannot create the download folder: {e.Message}", e);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        foreach (var (name, md5) in md5ByName)
        {
            string file = name + ".gz", target = Path.Combine(folder, file), partial = target + ".part";
            try
            {
                using (var response = http.GetAsync(BaseUrl + file, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
                {
                    if (!response.IsSuccessStatusCode)
                        throw new ConvEngineException($"{BaseUrl + file}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                    using var output = File.Create(partial);
                    response.Content.ReadAsStream().CopyTo(output);
                }
                string actual;
                using (var stream = File.OpenRead(partial)) actual = Convert.ToHexStringLower(MD5.HashData(stream));
                if (actual != md5)
                    throw new ConvEngineException($"{BaseUrl + file}: MD5 {actual} does not match the expected {md5}");
                File.Move(partial, target, overwrite: true);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or UnauthorizedAccessException)
            {
                throw new ConvEngineException($"{BaseUrl + file}: {e.Message}", e);
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
        }
    }
}

namespace ConvEngine.Tests;

/// <summary>The source tree the tests were built from, for tests that read or rewrite checked-in files.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding ConvEngine.sln, found upwards from the test binaries.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ConvEngine.sln"))) dir = dir.Parent;
            if (dir is null) Assert.Fail($"no ConvEngine.sln above {TestContext.CurrentContext.TestDirectory}");
            return dir!.FullName;
        }
    }

    /// <summary><paramref name="relative"/> (forward slashes) under <see cref="Root"/>.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
}

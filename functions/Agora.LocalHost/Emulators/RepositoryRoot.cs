namespace Agora.LocalHost.Emulators;

/// <summary>The checkout this program was built from: the folder holding package.json and tools/emulator.js.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "tools", "emulator.js")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Could not find the repository root (package.json and tools/emulator.js) above {AppContext.BaseDirectory}.");
    }
}

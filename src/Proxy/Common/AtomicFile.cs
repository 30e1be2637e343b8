namespace EdgeProxy.Common;

/// <summary>Files that readers (and the next start) see whole or not at all: written beside, then renamed over.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file, creating the folder.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // The process id keeps two processes sharing a data folder (a restart overlapping its predecessor) apart.
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}

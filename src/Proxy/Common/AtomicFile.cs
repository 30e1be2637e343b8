namespace EdgeProxy.Common;

/// <summary>Files that readers (and the next start) see whole or not at all: written beside, then renamed over.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file, creating the folder.</summary>
    /// <param name="mode">The file's permissions from the moment it exists (e.g. 0600 for a private key); null: the umask's.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A fresh name, created exclusively: writers sharing a data folder (replicas, which in containers all run as
        // process 1; a restart overlapping its predecessor) never write into one another's file, nor through a planted link.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = unixMode;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                // On the disk before the rename: after a power loss the file is the old one or the new one, never empty.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

using Pmap.Core;

namespace Pmap.Host;

public static class Program
{
    public static int Main(string[] args)
    {
        // Ctrl-C: one line and the shell's conventional code, never a half-written document with a trace.
        Console.CancelKeyPress += (_, _) =>
        {
            Console.Error.WriteLine("pmap: interrupted");
            Environment.Exit(ExitCodes.Interrupted);
        };
        var stdout = new GuardedWriter(Console.Out, "stdout");
        var stderr = new GuardedWriter(Console.Error, "stderr");
        try
        {
            return PmapApp.Run(args, stdout, stderr);
        }
        catch (PmapEnvironmentException) when (stdout.Broken is not null || stderr.Broken is not null)
        {
            // Broken while reporting an error (a parse error's line): nothing more can be said.
            return ExitCodes.PluginOrConfig;
        }
    }
}

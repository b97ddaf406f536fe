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
        return PmapApp.Run(args, Console.Out, Console.Error);
    }
}

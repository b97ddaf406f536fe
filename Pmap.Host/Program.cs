using System.Runtime.InteropServices;
using Pmap.Core;

namespace Pmap.Host;

public static class Program
{
    public static int Main(string[] args)
    {
        // A signal ends the run with one line and the shell's code (128 + the signal), never a half-written document with a
        // trace; exiting runs the ProcessExit handlers that stop QEMU children and remove their folders.
        var stdout = new GuardedWriter(Console.Out, "stdout");
        var stderr = new GuardedWriter(Console.Error, "stderr");
        using var interrupt = OnSignal(PosixSignal.SIGINT, "interrupted", ExitCodes.Interrupted, stdout, stderr);
        using var terminate = OnSignal(PosixSignal.SIGTERM, "terminated", ExitCodes.Terminated, stdout, stderr);
        using var hangup = OnSignal(PosixSignal.SIGHUP, "hung up", ExitCodes.HungUp, stdout, stderr);
        // pmap writes stdout only through `stdout`: what a plugin writes to the console goes to stderr as the plugin's.
        Console.SetOut(new PluginConsole(stderr));
        try
        {
            var code = PmapApp.Run(args, stdout, stderr);
            // A signal's exit is under way (its handlers stop QEMU, and the run may end early because of that): it decides the code.
            if (_signalled) Thread.Sleep(Timeout.Infinite);
            return code;
        }
        catch (PmapEnvironmentException) when (stdout.Broken is not null || stderr.Broken is not null)
        {
            // Broken while reporting an error (a parse error's line): nothing more can be said.
            if (_signalled) Thread.Sleep(Timeout.Infinite);
            return ExitCodes.PluginOrConfig;
        }
    }

    private static volatile bool _signalled;

    private static PosixSignalRegistration OnSignal(PosixSignal signal, string what, int code, GuardedWriter stdout, GuardedWriter stderr) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            _signalled = true;
            stdout.Silence();
            stderr.Silence();
            try
            {
                Console.Error.WriteLine("pmap: " + what);
            }
            catch (IOException)
            {
                // stderr is gone too: the exit code says it.
            }
            Environment.Exit(code);
        });
}

namespace Pmap.Host;

public static class Program
{
    public static int Main(string[] args) => PmapApp.Run(args, Console.Out, Console.Error);
}

using Pmap.TestArch;

namespace Pmap.TestPlugin.Throwing;

/// <summary>Its registration throws: the host reports it and loads the others.</summary>
public sealed class Plugin() : TestArchPlugin(() => throw new InvalidOperationException("registration exploded"));

using Pmap.TestArch;

namespace Pmap.TestPlugin.Duplicate;

/// <summary>Claims the name "fake" that Pmap.TestPlugin.Good already provides.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("fake"));

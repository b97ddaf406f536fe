using Pmap.TestArch;

namespace Pmap.TestPlugin.Good;

/// <summary>A well-formed plugin with one architecture, "fake".</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("fake"));

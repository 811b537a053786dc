package io.multistudio.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

import io.quarkus.bootstrap.resolver.maven.MavenArtifactResolver;

/**
 * Resolves the Infinispan server and its runtime dependencies into the local Maven repository and
 * returns them as a class path for a separate server JVM.
 * <p>
 * The server is not a project dependency on purpose: its jars next to the application's (Quarkus pins
 * a newer Hot Rod client and different Netty/Jackson versions) would conflict. The resolver comes with
 * Quarkus's test bootstrap, so no extra dependency or module is needed.
 */
final class InfinispanServerClasspath {

    /** Newest server served by Maven Central; talks to the 16.0.x Hot Rod client the Quarkus BOM pins. */
    private static final String SERVER_VERSION = "16.0.7";

    private static final String SERVER_ARTIFACT = "org.infinispan:infinispan-server-runtime:" + SERVER_VERSION;

    private static String classpath;

    private InfinispanServerClasspath() {
    }

    static synchronized String get() {
        if (classpath == null) {
            List<Path> jars = cached().orElseGet(InfinispanServerClasspath::resolveAndCache);
            classpath = String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
        }
        return classpath;
    }

    // Resolving takes seconds even offline, so the result is kept in target/ until the next clean.
    private static Optional<List<Path>> cached() {
        Path cache = cacheFile();
        if (!Files.exists(cache)) {
            return Optional.empty();
        }
        try {
            List<Path> jars = Files.readAllLines(cache).stream().map(Path::of).toList();
            return jars.stream().allMatch(Files::isRegularFile) ? Optional.of(jars) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> resolveAndCache() {
        List<Path> jars = resolve();
        try {
            Files.createDirectories(cacheFile().getParent());
            Files.write(cacheFile(), jars.stream().map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jars;
    }

    private static List<Path> resolve() {
        try {
            // No workspace discovery: the project's pom (and the Quarkus BOM it imports) must not take part.
            MavenArtifactResolver resolver = MavenArtifactResolver.builder()
                    .setWorkspaceDiscovery(false)
                    .setArtifactTransferLogging(false)
                    .build();
            // A plain collect request with no managed dependencies: versions come only from the server's own poms.
            CollectRequest collect = new CollectRequest(
                    new Dependency(new DefaultArtifact(SERVER_ARTIFACT), JavaScopes.RUNTIME),
                    resolver.getRepositories());
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            return resolver.getSystem().resolveDependencies(resolver.getSession(), request)
                    .getArtifactResults().stream()
                    .map(ArtifactResult::getArtifact)
                    .map(artifact -> artifact.getFile().toPath())
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot resolve " + SERVER_ARTIFACT
                    + " (the first run needs Maven Central: run Maven without -o once)", e);
        }
    }

    private static Path cacheFile() {
        return Processes.buildDirectory().resolve("infinispan-server").resolve("classpath-" + SERVER_VERSION + ".txt");
    }
}

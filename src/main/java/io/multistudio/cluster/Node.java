package io.multistudio.cluster;

import java.util.UUID;

import jakarta.inject.Singleton;

/** This server process as the cluster knows it; a restarted process is a new node. */
@Singleton
public class Node {

    private final String id = UUID.randomUUID().toString();

    public String id() {
        return id;
    }
}

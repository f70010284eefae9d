package com.spotinst.functions.runtime;

/** The invocation's context (the same fields as the node, python and ruby runtimes). */
public interface Context {
    String getRequestId();

    String getFunctionId();

    String getFunctionName();

    String getEnvironmentId();

    /** the version that runs: a number, as text */
    String getVersion();

    int getMemoryLimitInMB();

    /** seconds */
    int getTimeout();

    long getRemainingTimeInMillis();

    /**
     * A value of the environment's document store: the string itself, or the JSON text of
     * any other value; null when the key does not exist.
     */
    String getDoc(String key);
}

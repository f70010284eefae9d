package com.spotinst.functions.runtime;

/** What a Java function implements: one request in, one response out. */
public interface RequestHandler {
    Response handleRequest(Request request, Context context);
}

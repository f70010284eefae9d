package com.spotinst.functions.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The HTTP request (or cron event) that triggered the function. */
public class Request {
    private final Map<String, String> queryParams;
    private final Map<String, String> headers;
    private final String body;
    private final String method;
    private final String path;

    public Request(Map<String, String> queryParams, Map<String, String> headers, String body, String method, String path) {
        this.queryParams = Collections.unmodifiableMap(new LinkedHashMap<String, String>(queryParams));
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<String, String>(headers));
        this.body = body;
        this.method = method;
        this.path = path;
    }

    public Map<String, String> getQueryParams() {
        return queryParams;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    /** The raw body; a JSON body is given as its JSON text. Empty when there is none. */
    public String getBody() {
        return body;
    }

    public String getMethod() {
        return method;
    }

    public String getPath() {
        return path;
    }
}

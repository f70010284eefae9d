package com.spotinst.functions.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the function answers: status code, body and headers. */
public class Response {
    private int statusCode;
    private String body;
    private Map<String, String> headers = new LinkedHashMap<String, String>();

    public Response() {
        this(200, "");
    }

    public Response(int statusCode, String body) {
        this.statusCode = statusCode;
        this.body = body;
    }

    public int getStatusCode() {
        return statusCode;
    }

    public void setStatusCode(int statusCode) {
        this.statusCode = statusCode;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers == null ? new LinkedHashMap<String, String>() : headers;
    }
}

export const XSD_NS = "http://www.w3.org/2001/XMLSchema";
export const WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
export const SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/";
export const XML_NS = "http://www.w3.org/XML/1998/namespace";

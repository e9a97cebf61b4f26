"""Moodle's error answers: the exception classes and error codes its functions throw, with the
English messages of a default site (lang/en/*.php)."""

# get_capability_string(): the capability's name in English, for "nopermissions" messages.
CAPABILITY_NAMES = {
    "moodle/course:enrolreview": "Review course enrolments",
    "moodle/course:viewparticipants": "View participants",
    "moodle/role:review": "Review permissions for others",
}


class MoodleException(Exception):
    """What a Moodle function throws: its class, error code, message and debug information."""

    def __init__(self, exception: str, errorcode: str, message: str, debuginfo: str = "") -> None:
        super().__init__(message)
        self.exception = exception
        self.errorcode = errorcode
        self.message = message
        self.debuginfo = debuginfo

    def answer(self, debug: bool) -> dict[str, str]:
        """As webservice/rest/locallib.php generate_error() writes it. With debugging on,
        moodle_exception also appends the debug information to the message."""
        message = self.message
        if debug and self.debuginfo:
            message = f"{message} ({self.debuginfo})"
        answer = {"exception": self.exception, "errorcode": self.errorcode, "message": message}
        if debug and self.debuginfo:
            answer["debuginfo"] = self.debuginfo
        return answer


def invalid_token() -> MoodleException:
    # webservice/lib.php authenticate_by_token().
    return MoodleException("moodle_exception", "invalidtoken", "Invalid token - token not found")


def access_exception(function: str) -> MoodleException:
    # webservice/lib.php webservice_server::load_function_info().
    return MoodleException(
        "webservice_access_exception",
        "accessexception",
        "Access control exception",
        f"Access to the function {function}() is not allowed. There could be multiple "
        "reasons for this: 1. The service linked to the user token does not contain the "
        "function. 2. The service is user-restricted and the user is not listed. 3. The "
        "service is IP-restricted and the user IP is not listed. 4. The service is "
        "time-restricted and the time has expired. 5. The token is time-restricted and the "
        "time has expired. 6. The user has no capability to run this function. 7. The "
        "function is called with username/password (no user token is sent) and none of the "
        "services has the function to allow the user. These settings can be set in "
        "Administration > Plugins > Web services > External services.",
    )


def missing_record(debuginfo: str = "") -> MoodleException:
    # A MUST_EXIST read that found nothing (lib/dml/moodle_database.php get_record_sql()).
    return MoodleException(
        "dml_missing_record_exception",
        "invalidrecordunknown",
        "Can't find data record in database.",
        debuginfo,
    )


def invalid_parameter(debuginfo: str) -> MoodleException:
    return MoodleException(
        "invalid_parameter_exception",
        "invalidparameter",
        "Invalid parameter value detected",
        debuginfo,
    )


def no_permission(capability: str) -> MoodleException:
    # lib/accesslib.php require_capability() -> required_capability_exception.
    name = CAPABILITY_NAMES.get(capability, capability)
    return MoodleException(
        "required_capability_exception",
        "nopermissions",
        f"Sorry, but you do not currently have permissions to do that ({name}).",
        capability,
    )


def moodle_exception(errorcode: str, message: str) -> MoodleException:
    return MoodleException("moodle_exception", errorcode, message)


# Errors a test may ask for by code alone (FakeMoodle.fail(Fault.error(code))).
NAMED_ERRORS = {
    "invalidtoken": invalid_token,
    "accessexception": lambda: access_exception("core_enrol_get_enrolled_users"),
    "invalidrecordunknown": missing_record,
    "invalidparameter": lambda: invalid_parameter("courseid => Invalid parameter value detected"),
    "nopermissions": lambda: no_permission("moodle/course:viewparticipants"),
    "sitemaintenance": lambda: moodle_exception(
        "sitemaintenance", "The site is undergoing maintenance and is currently not available"
    ),
}

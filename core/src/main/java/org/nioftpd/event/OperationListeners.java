package org.nioftpd.event;

/** Which listener classes override {@link FtpEvents#operation}: found once per class. */
final class OperationListeners {

    private static final ClassValue<Boolean> OVERRIDDEN = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("operation", Operation.class).getDeclaringClass() != FtpEvents.class;
            } catch (NoSuchMethodException e) {
                return true; // cannot happen for an FtpEvents; if it did, tell it everything
            }
        }
    };

    private OperationListeners() {
    }

    static boolean overridden(Class<?> type) {
        return OVERRIDDEN.get(type);
    }
}
